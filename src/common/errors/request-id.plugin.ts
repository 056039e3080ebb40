import type { ApolloPlugin } from '../graphql/query-limits';
import { MASKED_CODE } from './graphql-error.formatter';

/**
 * Masked errors carry the request id (also in the x-request-id header and on every log line of
 * the request), so a client can report one and an operator can find the cause in the logs.
 */
export function requestIdPlugin(): ApolloPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const id = (contextValue as { req?: { id?: unknown } }).req?.id;
          if (typeof id !== 'string' || response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === MASKED_CODE)
              (error as { extensions: Record<string, unknown> }).extensions.requestId = id;
          }
        },
      };
    },
  };
}
