import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { getNamedType, isObjectType, type GraphQLResolveInfo } from 'graphql';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { requestOf } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { changeDigest } from './audit-chain';
import { actorOf } from './audit-actor';
import { AuditWriter } from './audit-writer';
import { AUDITED_ERRORS } from './denied-mutation-audit.plugin';

/**
 * Every GraphQL mutation that got past authentication leaves a row, whether it succeeded or
 * failed, and the response waits for it: a mutation the log cannot record is reported as an
 * error rather than passed over in silence. Refusals by a guard never reach an interceptor:
 * DeniedMutationAuditPlugin records those.
 */
@Injectable()
export class MutationAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(private readonly writer: AuditWriter) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType<string>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(ctx);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== 'Mutation') return next.handle();
    const req = requestOf(ctx) as ReturnType<typeof requestOf> & { id?: unknown };
    const principal = req.principal;
    if (!principal) return next.handle();
    return from(
      this.around(principal, info, gql.getArgs(), typeof req.id === 'string' ? req.id : null, next),
    );
  }

  private async around(
    principal: Principal,
    info: GraphQLResolveInfo,
    args: Record<string, unknown>,
    requestId: string | null,
    next: CallHandler,
  ): Promise<unknown> {
    const base = {
      actor: actorOf(principal),
      action: `mutation.${info.fieldName}`,
      requestId,
      changeDigest: changeDigest(args),
    };
    let result: unknown;
    try {
      result = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      if (typeof err === 'object' && err !== null) AUDITED_ERRORS.add(err);
      // The mutation's own error is what the client must see; a failed audit write is logged.
      await this.writer
        .record(principal.tenantId, {
          ...base,
          target: targetOf(info, args, undefined),
          outcome: 'FAILURE',
          detail: { code },
        })
        .catch((auditErr: unknown) =>
          this.logger.error({ err: auditErr }, 'could not audit a failed mutation'),
        );
      throw err;
    }
    await this.writer.record(principal.tenantId, {
      ...base,
      target: targetOf(info, args, result),
      outcome: 'SUCCESS',
    });
    return result;
  }
}

const ID_FIELDS = [
  'id',
  'approvalId',
  'caseId',
  'alertId',
  'runId',
  'connectionId',
  'playbookId',
  'tenantId',
];

type Fields = Record<string, unknown>;
const objectOf = (value: unknown): Fields =>
  typeof value === 'object' && value !== null ? (value as Fields) : {};
const idOf = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/**
 * The object a mutation acted on: what it returned (the result's id, or the id of an object in
 * its payload, e.g. createApiKey's apiKey), else what its arguments name.
 */
function targetOf(
  info: GraphQLResolveInfo,
  args: Fields,
  result: unknown,
): { type: string; id: string } | null {
  const returned = getNamedType(info.returnType);
  const payload = objectOf(result);
  const id = idOf(payload.id);
  if (id) return { type: returned.name, id };
  if (isObjectType(returned)) {
    for (const [field, value] of Object.entries(payload)) {
      const nested = idOf(objectOf(value).id);
      const fieldType = returned.getFields()[field]?.type;
      if (nested && fieldType) return { type: getNamedType(fieldType).name, id: nested };
    }
  }
  for (const source of [args, objectOf(args.input)]) {
    for (const field of ID_FIELDS) {
      const named = idOf(source[field]);
      if (named) return { type: returned.name, id: named };
    }
  }
  return null;
}
