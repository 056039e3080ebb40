import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { EntraGraphClient, enc, requiredString, VENDOR } from '../entra.client';
import type { UserActionInput } from './account-enabled';
import { collectionOf, deletionOrder, type GraphAuthenticationMethod } from './authentication-methods';

export interface DeleteMethodsOutput extends Record<string, unknown> {
  user_id: string;
  factors_reset: number;
}

const contract = CAPABILITIES['identity.reset_mfa'];

export const deleteAuthenticationMethods: IntegrationAction<UserActionInput, DeleteMethodsOutput> = {
  name: 'delete_authentication_methods',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Deletes every registered authentication method but the password, so the user must register
   * MFA again at next sign-in. Graph has no one-call reset: each method is deleted in its own
   * collection. Graph refuses (400) to delete the default method while others remain, and the
   * default cannot be read, so a refused method is retried after the rest; only a round that
   * removes nothing ends in an error. A repeat finds nothing left and reports 0.
   */
  async run(ctx: ActionContext, input: UserActionInput): Promise<DeleteMethodsOutput> {
    const userId = requiredString(input, 'user_id');
    const graph = new EntraGraphClient(ctx);
    const methods = await graph.collect<GraphAuthenticationMethod>(
      `/users/${enc(userId)}/authentication/methods`,
    );
    let pending = deletionOrder(methods.filter((m) => collectionOf(m)));
    const total = pending.length;
    let removed = 0;
    while (pending.length) {
      const refused: Array<{ method: GraphAuthenticationMethod; error: VendorError }> = [];
      for (const method of pending) {
        try {
          const path = `/users/${enc(userId)}/authentication/${collectionOf(method)}/${enc(method.id)}`;
          // 404: gone since we listed it (another admin, or an earlier attempt of this step).
          if ((await graph.delete(path, [204, 404])).status !== 404) removed++;
          ctx.heartbeat?.({ removed });
        } catch (err) {
          if (err instanceof VendorError && err.status === 400) refused.push({ method, error: err });
          else throw err;
        }
      }
      if (refused.length && refused.length === pending.length) {
        const { error } = refused[0];
        throw new VendorError({
          vendor: VENDOR,
          status: error.status,
          code: error.code,
          message: `${error.message} (removed ${removed} of ${total} authentication methods; ${refused.length} refused)`,
          retryable: false,
        });
      }
      pending = refused.map((r) => r.method);
    }
    return { user_id: userId, factors_reset: removed };
  },
};
