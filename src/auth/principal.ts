import type { RoleName } from './roles';

/** Who is calling, established once per request by the auth guard. */
export type Principal = ApiKeyPrincipal | UserPrincipal;

interface PrincipalBase {
  /** Stable actor id used in approvals, timelines and audit ("apikey:<uuid>", "user:<uuid>"). */
  actorId: string;
  name: string;
  /** The tenant this request acts in: the key's, or the one a user chose among their memberships. */
  tenantId: string;
  role: RoleName;
  /** May create tenants, keys and members in any tenant (the bootstrap key). */
  providerAdmin: boolean;
}

export interface ApiKeyPrincipal extends PrincipalBase {
  kind: 'apiKey';
}

/** A person signed in with an OIDC provider's token, acting through one tenant membership. */
export interface UserPrincipal extends PrincipalBase {
  kind: 'user';
  userId: string;
  email: string | null;
}

export function userActorId(userId: string): string {
  return `user:${userId}`;
}
