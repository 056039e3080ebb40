import type { RoleName } from './roles';

/** Who is calling, established once per request by the auth guard. */
export interface Principal {
  kind: 'apiKey';
  /** Stable actor id used in approvals, timelines and audit ("apikey:<uuid>"). */
  actorId: string;
  name: string;
  tenantId: string;
  role: RoleName;
  /** May create tenants and keys in any tenant (the bootstrap key). */
  providerAdmin: boolean;
}
