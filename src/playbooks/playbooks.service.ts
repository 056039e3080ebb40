import * as path from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { projectRoot } from '../config/paths';
import { evaluateCondition } from '../workflows/templates';
import type { TriggerEvent } from '../workflows/playbook.types';
import { actionCatalogue, type ActionCatalogue } from './action-catalogue';
import { ActivePlaybooksCache } from './active-playbooks.cache';
import { PlaybookVersionEntity } from './entities/playbook-version.entity';
import { checkChildCycles } from './playbook-cycles';
import { parsePlaybook, type ParseResult } from './playbook-parser';
import { readShippedPlaybooks } from './shipped-playbooks';
import {
  loadActiveSet,
  saveVersion,
  setEnabled,
  versionCounts,
  versionsOf,
  type ActivePlaybook,
} from './playbook-store';
import { PlaybooksException } from './playbooks.exception';

/** Where the parser learns which actions exist: the installed integrations (see PlaybooksModule). */
export const ACTION_CATALOGUE = Symbol('ACTION_CATALOGUE');

export interface PlaybookSummary extends ActivePlaybook {
  versionsCount: number;
}

/**
 * Playbook definitions and their lifecycle. Shipped playbooks (playbooks/*.yaml) are stored at
 * start as immutable versions keyed by content hash; a tenant may save its own versions (the
 * newest overrides the shipped one of that id for that tenant) and switch playbooks on and off.
 * Triggers read the tenant's active, enabled set, cached per tenant.
 */
@Injectable()
export class PlaybooksService {
  private readonly logger = new Logger(PlaybooksService.name);
  /** The shipped version of each id loaded at start: what tenants run unless they saved their own. */
  private shipped = new Map<string, PlaybookVersionEntity>();
  private readonly byId = new Map<string, PlaybookVersionEntity>();
  private readonly active = new ActivePlaybooksCache<ActivePlaybook[]>();

  constructor(
    private readonly db: TenantDb,
    @Optional() @Inject(ACTION_CATALOGUE) private readonly actions: ActionCatalogue = actionCatalogue(),
  ) {}

  /** Stores the shipped playbooks as versions; a broken file stops the start with its file:line problems. */
  async loadShipped(dir = path.join(projectRoot(), 'playbooks')): Promise<void> {
    const loaded = new Map<string, PlaybookVersionEntity>();
    for (const { source, definition, contentHash } of readShippedPlaybooks(dir, this.actions)) {
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
      loaded.set(definition.id, version);
      this.byId.set(version.id, version);
    }
    this.shipped = loaded;
    this.active.clear();
    this.logger.log(
      `playbooks: ${[...loaded.values()].map((v) => `${v.playbookId}@${v.contentHash.slice(0, 12)}`).join(', ') || 'none'}`,
    );
  }

  /** The tenant's playbooks (shipped, overridden or its own), each with its active version. */
  async list(tenantId: string): Promise<PlaybookSummary[]> {
    const active = await this.activeSet(tenantId);
    const counts = await this.db.run(tenantId, (em) => versionCounts(em, tenantId));
    return active.map((a) => ({ ...a, versionsCount: counts.get(a.playbookId) ?? 1 }));
  }

  async get(tenantId: string, playbookId: string): Promise<PlaybookSummary> {
    const found = (await this.list(tenantId)).find((p) => p.playbookId === playbookId);
    if (!found) throw PlaybooksException.notFound(playbookId);
    return found;
  }

  /** Every version of a playbook the tenant can see (its own and the shipped ones), newest first. */
  async versions(tenantId: string, playbookId: string): Promise<PlaybookVersionEntity[]> {
    return this.db.run(tenantId, (em) => versionsOf(em, tenantId, playbookId));
  }

  /**
   * All the checks `savePlaybook` makes, without saving: schema and semantics, actions known to
   * this installation, child playbooks known to this tenant and no child cycles.
   */
  async validate(tenantId: string, source: string): Promise<ParseResult> {
    const active = await this.activeSet(tenantId);
    const parsed = parsePlaybook(source, {
      knownActions: this.actions,
      knownPlaybooks: active.map((a) => a.playbookId),
    });
    if (!parsed.ok) return parsed;
    const others = active
      .filter((a) => a.playbookId !== parsed.definition.id)
      .map((a) => ({ source: a.version.source, file: a.playbookId }));
    const cycles = checkChildCycles([{ source, file: '' }, ...others]).filter((c) => c.file === '');
    return cycles.length ? { ok: false, problems: cycles.map((c) => c.problem) } : parsed;
  }

  /** `savePlaybook`: stores the source as an immutable version; the same content is the same version. */
  async save(
    tenantId: string,
    source: string,
  ): Promise<{ version: PlaybookVersionEntity; created: boolean; activeVersionId: string | null }> {
    const parsed = await this.validate(tenantId, source);
    if (!parsed.ok) throw PlaybooksException.invalid(parsed.problems);
    let saved: { version: PlaybookVersionEntity; created: boolean };
    try {
      saved = await this.db.run(tenantId, (em) => saveVersion(em, tenantId, { ...parsed, source }));
    } finally {
      this.active.invalidate(tenantId);
    }
    this.byId.set(saved.version.id, saved.version);
    if (saved.created)
      this.logger.log(
        { tenantId, playbook: parsed.definition.id, hash: parsed.contentHash },
        'playbook saved',
      );
    const active = await this.activeVersion(tenantId, parsed.definition.id);
    return { ...saved, activeVersionId: active?.id ?? null };
  }

  /** `setPlaybookEnabled`: per tenant; a disabled playbook is never triggered. */
  async setEnabled(tenantId: string, playbookId: string, enabled: boolean): Promise<PlaybookSummary> {
    if (!(await this.activeSet(tenantId)).some((a) => a.playbookId === playbookId))
      throw PlaybooksException.notFound(playbookId);
    try {
      await this.db.run(tenantId, (em) => setEnabled(em, tenantId, playbookId, enabled));
    } finally {
      this.active.invalidate(tenantId);
    }
    return this.get(tenantId, playbookId);
  }

  /**
   * The tenant's active, enabled versions whose trigger is `eventName` and whose `when` holds
   * for `event`. Pass `em` when already inside the tenant's transaction (the ingest outbox):
   * a second connection there could wait for ever on a pool of one (embedded PGlite).
   */
  async triggeredBy(
    tenantId: string,
    eventName: TriggerEvent,
    event: Record<string, unknown>,
    em?: EntityManager,
  ): Promise<PlaybookVersionEntity[]> {
    const active = await this.activeSet(tenantId, em);
    return this.matching(
      active.filter((a) => a.enabled).map((a) => a.version),
      eventName,
      event,
    );
  }

  /** Whether any of the tenant's enabled playbooks is triggered by `eventName` (cached). */
  async listensTo(tenantId: string, eventName: TriggerEvent): Promise<boolean> {
    return (await this.activeSet(tenantId)).some(
      (a) => a.enabled && a.version.definition.trigger.event === eventName,
    );
  }

  /**
   * The shipped versions whose alert.created trigger matches, for callers that do not say the
   * tenant. It cannot see tenant overrides or disabled playbooks.
   * @deprecated use triggeredBy(tenantId, 'alert.created', event, em).
   */
  async triggeredByAlert(event: Record<string, unknown>): Promise<PlaybookVersionEntity[]> {
    return this.matching([...this.shipped.values()], 'alert.created', event);
  }

  /** The version a tenant's new run of `playbookId` pins (enabled or not), or null. */
  async activeVersion(
    tenantId: string,
    playbookId: string,
    em?: EntityManager,
  ): Promise<PlaybookVersionEntity | null> {
    return (await this.activeSet(tenantId, em)).find((a) => a.playbookId === playbookId)?.version ?? null;
  }

  /** A version by id. Versions are immutable, so each is read from the database at most once. */
  async version(versionId: string): Promise<PlaybookVersionEntity> {
    const known = this.byId.get(versionId);
    if (known) return known;
    const row = await this.db.system((em) =>
      em.findOneOrFail(PlaybookVersionEntity, { where: { id: versionId } }),
    );
    this.byId.set(row.id, row);
    return row;
  }

  private activeSet(tenantId: string, em?: EntityManager): Promise<ActivePlaybook[]> {
    return this.active.get(tenantId, () =>
      em
        ? loadActiveSet(em, tenantId, this.shipped)
        : this.db.run(tenantId, (tx) => loadActiveSet(tx, tenantId, this.shipped)),
    );
  }

  private async matching(
    versions: PlaybookVersionEntity[],
    eventName: TriggerEvent,
    event: Record<string, unknown>,
  ): Promise<PlaybookVersionEntity[]> {
    const matches: PlaybookVersionEntity[] = [];
    for (const version of versions) {
      const trigger = version.definition.trigger;
      if (trigger.event !== eventName) continue;
      try {
        if (!trigger.when || (await evaluateCondition(trigger.when, event))) matches.push(version);
      } catch (err) {
        // A trigger that cannot be evaluated for this event must not block ingestion.
        this.logger.warn(
          { playbook: version.playbookId, err: (err as Error).message },
          'trigger condition failed',
        );
      }
    }
    return matches;
  }
}
