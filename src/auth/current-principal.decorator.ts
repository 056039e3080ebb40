import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal';
import { AuthException } from './auth.exception';

export function requestOf(ctx: ExecutionContext): {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  principal?: Principal;
} {
  if (ctx.getType<string>() === 'graphql') return GqlExecutionContext.create(ctx).getContext().req;
  return ctx.switchToHttp().getRequest();
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = requestOf(ctx).principal;
  if (!principal) throw AuthException.unauthenticated();
  return principal;
});
