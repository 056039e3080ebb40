import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { EntraGraphClient, enc, requiredString, userStatus } from '../entra.client';

export interface UserActionInput {
  user_id: string;
  /** Accepted for the capability contract; Graph's user update takes no note. */
  reason?: string;
}

export interface UserStateOutput extends Record<string, unknown> {
  user_id: string;
  status: string;
  already: boolean;
}

/**
 * Disable and enable share one shape: read `accountEnabled`, stop if it already has the wanted
 * value (so a retried step never patches twice), otherwise PATCH it, which Graph answers with 204.
 */
export function accountEnabledAction(spec: {
  name: string;
  contract: CapabilityContract;
  accountEnabled: boolean;
}): IntegrationAction<UserActionInput, UserStateOutput> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: UserActionInput): Promise<UserStateOutput> {
      const graph = new EntraGraphClient(ctx);
      const user = await graph.user(requiredString(input, 'user_id'));
      if (user.accountEnabled === spec.accountEnabled) {
        return { user_id: user.id, status: userStatus(user.accountEnabled), already: true };
      }
      await graph.patch(`/users/${enc(user.id)}`, { accountEnabled: spec.accountEnabled });
      return { user_id: user.id, status: userStatus(spec.accountEnabled), already: false };
    },
  };
}
