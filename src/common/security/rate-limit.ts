import { createHash } from 'node:crypto';
import {
  type DynamicModule,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  SetMetadata,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  ThrottlerModule,
  type ThrottlerOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig, type SecurityConfig } from '../../config/config';
import { AppError } from '../errors/app-error';
import { isUuid } from '../ids';

/** What a limit counts; each has its own budget per minute (CORDON_RATE_LIMIT_*). */
export type RateLimitCategory = 'mutation' | 'approval' | 'webhook';

const CATEGORY_KEY = 'cordon:rate-limit';
const MINUTE_MS = 60_000;

/**
 * Puts a handler in a rate-limit category. Without it: GraphQL mutations count as `mutation`,
 * other non-GET HTTP routes as `webhook`, and queries, subscriptions and GETs are not limited.
 */
export const RateLimited = (category: RateLimitCategory) => SetMetadata(CATEGORY_KEY, category);

type Req = {
  ip?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  res?: unknown;
};

/**
 * Per API key when the request presents one (its hash: the limit holds before the key is even
 * looked up), else per client IP; webhooks per endpoint.
 */
export function trackerOf(category: RateLimitCategory, req: Req): string {
  if (category === 'webhook') {
    const endpoint = header(req, 'x-cordon-endpoint');
    if (endpoint && isUuid(endpoint)) return `endpoint:${endpoint.toLowerCase()}`;
    return `ip:${req.ip ?? 'unknown'}`;
  }
  const key = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization')?.trim() ?? '')?.[1];
  if (key) return `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  return `ip:${req.ip ?? 'unknown'}`;
}

function header(req: Req, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function categoryOf(ctx: ExecutionContext, reflector: Reflector): RateLimitCategory | null {
  const declared = reflector.getAllAndOverride<RateLimitCategory | undefined>(CATEGORY_KEY, [
    ctx.getHandler(),
    ctx.getClass(),
  ]);
  if (declared) return declared;
  if (ctx.getType<string>() === 'graphql') {
    const info = ctx.getArgByIndex<{ parentType?: { name?: string } } | undefined>(3);
    return info?.parentType?.name === 'Mutation' ? 'mutation' : null;
  }
  if (ctx.getType<string>() === 'http') {
    const method = ctx.switchToHttp().getRequest<Req>().method;
    return method === 'GET' || method === 'HEAD' ? null : 'webhook';
  }
  return null;
}

/** The throttler's guard, taught GraphQL, one budget per category and tracker, and our error shape. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getRequestResponse(ctx: ExecutionContext): {
    req: Record<string, any>;
    res: Record<string, any>;
  } {
    if (ctx.getType<string>() === 'graphql') {
      const req: Req = GqlExecutionContext.create(ctx).getContext<{ req?: Req }>().req ?? { headers: {} };
      return { req, res: (req.res ?? {}) as Record<string, any> };
    }
    return super.getRequestResponse(ctx);
  }

  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _ctx: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const [category] = detail.key.split(':');
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `rate limit: at most ${detail.limit} ${category} requests a minute (per ${detail.tracker.split(':')[0]}); retry in ${detail.timeToBlockExpire} s`,
      { retryAfterSeconds: detail.timeToBlockExpire },
    );
  }
}

/**
 * Failed authentications per client IP ("logins"): after too many in a minute, that IP is refused
 * for a minute before its key is even looked up.
 */
@Injectable()
export class FailedLoginLimiter {
  private readonly blockedUntil = new Map<string, number>();
  private readonly limit: number;

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = config.security.rateLimits.failedLogins;
  }

  assertAllowed(ip: string | undefined): void {
    const until = this.blockedUntil.get(ip ?? 'unknown');
    if (until === undefined) return;
    const seconds = Math.ceil((until - Date.now()) / 1000);
    if (seconds <= 0) {
      this.blockedUntil.delete(ip ?? 'unknown');
      return;
    }
    throw tooManyFailures(this.limit, seconds);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [who, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(who);
  }

  async failed(ip: string | undefined): Promise<void> {
    if (this.limit <= 0) return;
    const who = ip ?? 'unknown';
    const rec = await this.storage.increment(`login:ip:${who}`, MINUTE_MS, this.limit, MINUTE_MS, 'login');
    if (rec.isBlocked) {
      if (this.blockedUntil.size > 10_000) this.forgetExpired();
      this.blockedUntil.set(who, Date.now() + rec.timeToBlockExpire * 1000);
      throw tooManyFailures(this.limit, rec.timeToBlockExpire);
    }
  }
}

function tooManyFailures(limit: number, seconds: number): AppError {
  return new AppError(
    'TOO_MANY_REQUESTS',
    `rate limit: more than ${limit} failed authentications a minute from this address; retry in ${seconds} s`,
    { retryAfterSeconds: seconds },
  );
}

function throttlers(limits: SecurityConfig['rateLimits'], reflector: Reflector): ThrottlerOptions[] {
  const budgets: [RateLimitCategory, number][] = [
    ['mutation', limits.mutations],
    ['approval', limits.approvals],
    ['webhook', limits.webhooks],
  ];
  return budgets
    .filter(([, limit]) => limit > 0)
    .map(([name, limit]) => ({
      name,
      limit,
      ttl: MINUTE_MS,
      // Each budget counts its own category only.
      skipIf: (ctx: ExecutionContext) => categoryOf(ctx, reflector) !== name,
      getTracker: (req: Record<string, any>) => trackerOf(name, req as Req),
    }));
}

/** Rate limits (@nestjs/throttler, in memory: per process) and the failed-login limiter. */
@Module({})
export class RateLimitModule {
  static forRoot(security: SecurityConfig): DynamicModule {
    const reflector = new Reflector();
    return {
      module: RateLimitModule,
      global: true,
      imports: [ThrottlerModule.forRoot({ throttlers: throttlers(security.rateLimits, reflector) })],
      providers: [FailedLoginLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
      exports: [FailedLoginLimiter],
    };
  }
}
