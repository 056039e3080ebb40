import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator, TENANT_HEADER } from './authenticator.service';
import { AuthException } from './auth.exception';
import { requestOf } from './current-principal.decorator';
import { PROVIDER_ADMIN_KEY, PUBLIC_KEY, ROLE_KEY } from './roles.decorator';
import { roleAtLeast, type RoleName } from './roles';
import { FailedLoginLimiter } from '../common/security/rate-limit';
import { AppError } from '../common/errors/app-error';
import { LoginAudit } from '../audit/login-audit';

/**
 * One guard for every resolver and route. It fails closed: a handler that declares neither a
 * role nor @Public is refused, so forgetting a rule can never open an operation.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly failedLogins: FailedLoginLimiter,
    private readonly loginAudit: LoginAudit,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    // Field resolvers inherit their parent's check; only root operations are guarded here.
    if (ctx.getType<string>() === 'graphql' && !isRootOperation(ctx)) return true;

    const role = this.reflector.getAllAndOverride<RoleName | undefined>(ROLE_KEY, targets);
    const providerOnly = this.reflector.getAllAndOverride<boolean>(PROVIDER_ADMIN_KEY, targets);
    const req = requestOf(ctx);
    const secret = bearer(req.headers.authorization);
    if (!secret) throw AuthException.unauthenticated();
    // Guessing keys or forging tokens from one address is slowed down: too many failures and it
    // is refused a while. A valid credential refused for its tenant or role is no failed login.
    this.failedLogins.assertAllowed(req.ip);
    const principal = await this.authenticator
      .authenticate(secret, headerValue(req.headers[TENANT_HEADER]))
      .catch(async (err: unknown) => {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED') {
          await this.loginAudit.failed(secret, req, err);
          await this.failedLogins.failed(req.ip);
        }
        throw err;
      });
    req.principal = principal;
    if (providerOnly) {
      if (!principal.providerAdmin) throw new AuthException('FORBIDDEN', 'only provider admins may do this');
      return true;
    }
    if (!role) throw new AuthException('FORBIDDEN', 'this operation has no access rule and is refused');
    if (!roleAtLeast(principal.role, role)) throw AuthException.forbidden(role);
    return true;
  }
}

function headerValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

function bearer(header: string | string[] | undefined): string | null {
  const value = headerValue(header);
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
  return match ? match[1] : null;
}

function isRootOperation(ctx: ExecutionContext): boolean {
  const info = ctx.getArgByIndex<{ parentType?: { name?: string } } | undefined>(3);
  const parent = info?.parentType?.name;
  return parent === 'Query' || parent === 'Mutation' || parent === 'Subscription';
}
