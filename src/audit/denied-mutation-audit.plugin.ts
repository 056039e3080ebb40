import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Kind, OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { actorOf } from './audit-actor';
import { AuditWriter } from './audit-writer';

/** Errors the mutation interceptor has recorded already; anything else never reached it. */
export const AUDITED_ERRORS = new WeakSet<object>();

type Context = { req?: { principal?: Principal; id?: unknown } };

/**
 * Mutations refused before their resolver ran (the caller's role is too weak, a rate limit):
 * guards run before interceptors, so these are recorded here, once the operation has failed and
 * before the answer is sent (Apollo awaits this hook). Callers without a valid key are the
 * auth guard's failed logins instead.
 */
@Plugin()
export class DeniedMutationAuditPlugin implements ApolloServerPlugin<Context> {
  constructor(private readonly writer: AuditWriter) {}

  async requestDidStart(): Promise<GraphQLRequestListener<Context>> {
    const writer = this.writer;
    return {
      async didEncounterErrors({ contextValue, operation, errors }) {
        const principal = contextValue.req?.principal;
        if (!principal || operation?.operation !== OperationTypeNode.MUTATION) return;
        for (const error of errors) {
          const key = error.path?.length === 1 ? String(error.path[0]) : null;
          const field = key ? rootFieldName(operation, key) : null;
          if (!field || (error.originalError && AUDITED_ERRORS.has(error.originalError))) continue;
          const id = contextValue.req?.id;
          await writer.record(principal.tenantId, {
            actor: actorOf(principal),
            action: `mutation.${field}`,
            requestId: typeof id === 'string' ? id : null,
            outcome: 'FAILURE',
            detail: { code: error.originalError instanceof AppError ? error.originalError.code : 'INTERNAL' },
          });
        }
      },
    };
  }
}

/** The field name behind a response key (an alias or the name itself). */
function rootFieldName(operation: OperationDefinitionNode, key: string): string | null {
  for (const s of operation.selectionSet.selections) {
    if (s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === key) return s.name.value;
  }
  return null;
}
