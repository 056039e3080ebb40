import type { EntityManager } from 'typeorm';
import type { CorrelationSettings, DedupSettings } from '../tenancy/entities/tenant.entity';
import { TenantEntity } from '../tenancy/entities/tenant.entity';

/** The tenant's ingest settings, read once per batch. */
export async function tenantSettings(
  em: EntityManager,
  tenantId: string,
): Promise<{ correlation: CorrelationSettings; dedup: DedupSettings }> {
  const tenant = await em.findOneOrFail(TenantEntity, { where: { id: tenantId } });
  return { correlation: tenant.correlation, dedup: tenant.dedup };
}
