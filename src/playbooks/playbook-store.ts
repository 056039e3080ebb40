import { In, IsNull, type EntityManager } from 'typeorm';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import { PlaybookVersionEntity } from './entities/playbook-version.entity';
import { TenantPlaybookEntity } from './entities/tenant-playbook.entity';

/** A playbook as one tenant has it: the version its triggers and runs use, and whether it is on. */
export interface ActivePlaybook {
  playbookId: string;
  version: PlaybookVersionEntity;
  enabled: boolean;
  /** The shipped version of this id, when there is one (the tenant may override it). */
  shipped: PlaybookVersionEntity | null;
}

/**
 * The tenant's playbooks: every shipped one, overridden where the tenant saved its own, with
 * the tenant's enabled flags (on unless switched off). `em` must be the tenant's transaction.
 */
export async function loadActiveSet(
  em: EntityManager,
  tenantId: string,
  shipped: ReadonlyMap<string, PlaybookVersionEntity>,
): Promise<ActivePlaybook[]> {
  const settings = await em.find(TenantPlaybookEntity, { where: { tenantId } });
  const savedIds = settings.map((s) => s.activeVersionId).filter((id): id is string => !!id);
  const saved = savedIds.length
    ? await em.find(PlaybookVersionEntity, { where: { tenantId, id: In(savedIds) } })
    : [];
  const savedById = new Map(saved.map((v) => [v.id, v]));
  const bySetting = new Map(settings.map((s) => [s.playbookId, s]));
  const ids = new Set([...shipped.keys(), ...settings.map((s) => s.playbookId)]);
  const active: ActivePlaybook[] = [];
  for (const playbookId of [...ids].sort()) {
    const setting = bySetting.get(playbookId);
    const own = setting?.activeVersionId ? savedById.get(setting.activeVersionId) : undefined;
    const version = own ?? shipped.get(playbookId);
    if (!version) continue;
    active.push({
      playbookId,
      version,
      enabled: setting?.enabled ?? true,
      shipped: shipped.get(playbookId) ?? null,
    });
  }
  return active;
}

/**
 * Stores a saved version; the same content again is the same version (content hash), so a
 * repeated save changes nothing. A new version becomes the tenant's active one.
 */
export async function saveVersion(
  em: EntityManager,
  tenantId: string,
  parsed: { definition: PlaybookDefinition; contentHash: string; source: string },
): Promise<{ version: PlaybookVersionEntity; created: boolean }> {
  const { definition, contentHash, source } = parsed;
  const inserted = await em.query<{ id: string }[]>(
    `INSERT INTO playbook_versions (tenant_id, playbook_id, content_hash, name, source, definition, origin)
     VALUES ($1, $2, $3, $4, $5, $6, 'saved')
     ON CONFLICT DO NOTHING RETURNING id`,
    [tenantId, definition.id, contentHash, definition.name, source, JSON.stringify(definition)],
  );
  const version = await em.findOneOrFail(PlaybookVersionEntity, {
    where: { tenantId, playbookId: definition.id, contentHash },
  });
  const created = inserted.length > 0;
  // A new version takes over; an old one saved again only fills in a missing setting.
  await em.query(
    `INSERT INTO tenant_playbooks (tenant_id, playbook_id, enabled, active_version_id, updated_at)
     VALUES ($1, $2, true, $3, now())
     ON CONFLICT (tenant_id, playbook_id) DO ${
       created
         ? 'UPDATE SET active_version_id = EXCLUDED.active_version_id, updated_at = now()'
         : 'UPDATE SET active_version_id = COALESCE(tenant_playbooks.active_version_id, EXCLUDED.active_version_id)'
     }`,
    [tenantId, definition.id, version.id],
  );
  return { version, created };
}

export async function setEnabled(
  em: EntityManager,
  tenantId: string,
  playbookId: string,
  enabled: boolean,
): Promise<void> {
  await em.query(
    `INSERT INTO tenant_playbooks (tenant_id, playbook_id, enabled, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (tenant_id, playbook_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
    [tenantId, playbookId, enabled],
  );
}

/** The versions a tenant can see of each playbook: its own saved ones and the shipped ones. */
export async function versionCounts(em: EntityManager, tenantId: string): Promise<Map<string, number>> {
  const rows = await em.query<{ playbook_id: string; n: string }[]>(
    `SELECT playbook_id, count(*) AS n FROM playbook_versions
      WHERE tenant_id = $1 OR tenant_id IS NULL GROUP BY playbook_id`,
    [tenantId],
  );
  return new Map(rows.map((r) => [r.playbook_id, Number(r.n)]));
}

/** One playbook's versions as the tenant sees them, newest first. */
export async function versionsOf(
  em: EntityManager,
  tenantId: string,
  playbookId: string,
): Promise<PlaybookVersionEntity[]> {
  return em.find(PlaybookVersionEntity, {
    where: [
      { tenantId, playbookId },
      { tenantId: IsNull(), playbookId },
    ],
    order: { createdAt: 'DESC', id: 'DESC' },
  });
}
