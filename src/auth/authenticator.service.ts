import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { ApiKeysService } from './api-keys.service';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';
import { userActorId, type Principal, type UserPrincipal } from './principal';
import { UsersService } from './users.service';

/** Names the tenant a user acts in (users may belong to many; keys belong to one). */
export const TENANT_HEADER = 'x-cordon-tenant';

/**
 * Turns what a request presents (`Authorization: Bearer …` and X-Cordon-Tenant) into a
 * Principal: an API key, or a user's JWT from the OIDC provider acting through one of their
 * tenant memberships. Failures of the credential itself are UNAUTHENTICATED; a valid user
 * without a membership in the tenant asked for is FORBIDDEN.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly oidc: OidcVerifier,
    private readonly users: UsersService,
  ) {}

  async authenticate(secret: string, tenantHeader: string | undefined): Promise<Principal> {
    const wanted = tenantHeader?.trim() || undefined;
    if (wanted !== undefined && !isUuid(wanted))
      throw new AppError('BAD_USER_INPUT', 'X-Cordon-Tenant must be a tenant id (a UUID)', {
        header: 'X-Cordon-Tenant',
      });
    if (looksLikeJwt(secret)) return this.user(secret, wanted?.toLowerCase());
    const key = await this.apiKeys.authenticate(secret);
    if (wanted !== undefined && wanted.toLowerCase() !== key.tenantId)
      throw new AppError(
        'FORBIDDEN',
        'an API key acts in its own tenant only; X-Cordon-Tenant names another',
      );
    return key;
  }

  private async user(token: string, wanted: string | undefined): Promise<UserPrincipal> {
    const identity = await this.oidc.verify(token);
    const user = await this.users.signIn(identity);
    const memberships = await this.users.memberships(user.id);
    let membership = memberships.find((m) => m.tenantId === wanted);
    if (wanted === undefined) {
      if (memberships.length > 1)
        throw new AppError(
          'BAD_USER_INPUT',
          `you are a member of ${memberships.length} tenants: name one in the X-Cordon-Tenant header`,
          { header: 'X-Cordon-Tenant' },
        );
      membership = memberships[0];
    }
    if (!membership)
      throw new AppError(
        'FORBIDDEN',
        wanted === undefined
          ? 'you are not a member of any tenant: a tenant admin must add you first'
          : `you are not a member of tenant ${wanted}`,
      );
    return {
      kind: 'user',
      actorId: userActorId(user.id),
      userId: user.id,
      name: user.displayName ?? user.email ?? user.subject,
      email: user.email,
      tenantId: membership.tenantId,
      role: membership.role,
      // Provider administration stays with provider keys; a membership is a role in one tenant.
      providerAdmin: false,
    };
  }
}
