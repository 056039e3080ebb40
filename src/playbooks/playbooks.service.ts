import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { projectRoot } from '../config/paths';
import { evaluateCondition } from '../workflows/templates';
import { PlaybookVersionEntity } from './entities/playbook-version.entity';
import { formatProblems, parsePlaybook } from './playbook-parser';

/**
 * Playbook versions. The shipped ones (playbooks/*.yaml) are stored at start as immutable
 * versions keyed by content hash; the newest shipped version of each id is the one triggers use.
 */
@Injectable()
export class PlaybooksService {
  private readonly logger = new Logger(PlaybooksService.name);
  private active: PlaybookVersionEntity[] = [];
  private readonly byId = new Map<string, PlaybookVersionEntity>();

  constructor(private readonly db: TenantDb) {}

  /** Loads the shipped playbooks; a broken file stops the start with its file:line problems. */
  async loadShipped(dir = path.join(projectRoot(), 'playbooks')): Promise<void> {
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
      : [];
    const loaded: PlaybookVersionEntity[] = [];
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const parsed = parsePlaybook(source);
      if (!parsed.ok)
        throw new Error(`invalid playbook\n${formatProblems(path.join(dir, file), parsed.problems)}`);
      const { definition, contentHash } = parsed;
      const version = await this.db.system(async (em) => {
        await em
          .createQueryBuilder()
          .insert()
          .into(PlaybookVersionEntity)
          .values({
            tenantId: null,
            playbookId: definition.id,
            contentHash,
            name: definition.name,
            source,
            definition: definition as never,
            origin: 'shipped',
          })
          .orIgnore()
          .execute();
        return em.findOneOrFail(PlaybookVersionEntity, {
          where: { tenantId: IsNull(), playbookId: definition.id, contentHash },
        });
      });
      loaded.push(version);
    }
    this.active = loaded;
    this.logger.log(
      `playbooks: ${loaded.map((v) => `${v.playbookId}@${v.contentHash.slice(0, 12)}`).join(', ') || 'none'}`,
    );
  }

  /** The active versions whose alert.created trigger matches this alert. */
  async triggeredByAlert(event: Record<string, unknown>): Promise<PlaybookVersionEntity[]> {
    const matches: PlaybookVersionEntity[] = [];
    for (const version of this.active) {
      const trigger = version.definition.trigger;
      if (trigger.event !== 'alert.created') continue;
      try {
        if (!trigger.when || (await evaluateCondition(trigger.when, event))) matches.push(version);
      } catch (err) {
        // A trigger that cannot be evaluated for this alert must not block ingestion.
        this.logger.warn(
          { playbook: version.playbookId, err: (err as Error).message },
          'trigger condition failed',
        );
      }
    }
    return matches;
  }

  /** A version by id. Versions are immutable, so each is read from the database at most once. */
  async version(versionId: string): Promise<PlaybookVersionEntity> {
    const known = this.active.find((v) => v.id === versionId) ?? this.byId.get(versionId);
    if (known) return known;
    const row = await this.db.system((em) =>
      em.findOneOrFail(PlaybookVersionEntity, { where: { id: versionId } }),
    );
    this.byId.set(row.id, row);
    return row;
  }
}
