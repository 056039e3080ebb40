import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { enterTenant, TenantDb } from '../database/tenant-db';
import { ApiKeysService } from '../auth/api-keys.service';
import type { Principal } from '../auth/principal';
import { TenantEntity } from './entities/tenant.entity';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/ids';

export interface BootstrapResult {
  tenantId: string;
  /** Present only when a key was generated now (first start): it is shown once. */
  newAdminKey: string | null;
  /** CORDON_BOOTSTRAP_API_KEY was adopted now; its value is the operator's and is not echoed. */
  adoptedBootstrapKey: boolean;
}

@Injectable()
export class TenancyService {
  constructor(
    private readonly db: TenantDb,
    private readonly apiKeys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * First start: creates the first tenant and a provider-admin key (CORDON_BOOTSTRAP_API_KEY if
   * set). Later starts adopt a bootstrap key that is not yet known, and otherwise change nothing.
   */
  async bootstrap(): Promise<BootstrapResult> {
    return this.db.system(async (em) => {
      // Two replicas starting together must not both create the first tenant.
      await em.query('SELECT pg_advisory_xact_lock(727172002)');
      let tenant = await em.findOne(TenantEntity, { where: {}, order: { createdAt: 'ASC' } });
      const fresh = !tenant;
      if (!tenant) tenant = await em.save(em.create(TenantEntity, { name: 'default', caseSeq: 0 }));
      // Keys are the tenant's rows: the rest of this transaction acts as that tenant.
      await enterTenant(em, tenant.id);
      const wanted = this.config.bootstrapApiKey;
      if (wanted && !(await this.apiKeys.existsWithSecret(em, wanted))) {
        await this.apiKeys.create(em, {
          tenantId: tenant.id,
          name: 'bootstrap',
          role: 'admin',
          providerAdmin: true,
          secret: wanted,
        });
        return { tenantId: tenant.id, newAdminKey: null, adoptedBootstrapKey: true };
      }
      if (fresh) {
        const { secret } = await this.apiKeys.create(em, {
          tenantId: tenant.id,
          name: 'bootstrap',
          role: 'admin',
          providerAdmin: true,
        });
        return { tenantId: tenant.id, newAdminKey: secret, adoptedBootstrapKey: false };
      }
      return { tenantId: tenant.id, newAdminKey: null, adoptedBootstrapKey: false };
    });
  }

  async createTenant(name: string): Promise<TenantEntity> {
    return this.db.system(async (em) => {
      if (await em.findOne(TenantEntity, { where: { name } }))
        throw new AppError('CONFLICT', `a tenant named "${name}" already exists`);
      return em.save(em.create(TenantEntity, { name, caseSeq: 0 }));
    });
  }

  /**
   * The tenant an admin operation acts on: the caller's own by default; another only for a
   * provider admin. Another tenant looks exactly like one that does not exist.
   */
  async targetOf(principal: Principal, tenantId: string | undefined): Promise<string> {
    const target = tenantId ?? principal.tenantId;
    if ((target !== principal.tenantId && !principal.providerAdmin) || !(await this.exists(target)))
      throw new AppError('NOT_FOUND', `tenant ${target} not found`);
    return target;
  }

  async exists(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.db.system(async (em) => (await em.count(TenantEntity, { where: { id } })) > 0);
  }
}
