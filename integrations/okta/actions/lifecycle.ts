import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, OktaClient, requiredString, userStatus } from '../okta.client';

export interface UserActionInput {
  user_id: string;
  /** Accepted for the capability contract; Okta's lifecycle calls take no note. */
  reason?: string;
}

export interface UserStateOutput extends Record<string, unknown> {
  user_id: string;
  status: string;
  already: boolean;
}

/**
 * Suspend and unsuspend share one shape: read the user, stop if it is already where we want it (so
 * a retried step never acts twice, and Okta's 400 for a repeat is never provoked), otherwise call
 * the lifecycle operation, which Okta completes synchronously.
 */
export function lifecycleAction(spec: {
  name: string;
  contract: CapabilityContract;
  operation: 'suspend' | 'unsuspend';
  /** Whether a user in this Okta status needs no call. */
  settled: (status: string) => boolean;
  /** Okta's status once the operation is done. */
  result: string;
}): IntegrationAction<UserActionInput, UserStateOutput> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: UserActionInput): Promise<UserStateOutput> {
      const okta = new OktaClient(ctx);
      const user = await okta.user(requiredString(input, 'user_id'));
      if (spec.settled(user.status)) {
        return { user_id: user.id, status: userStatus(user.status), already: true };
      }
      await okta.post(`/api/v1/users/${enc(user.id)}/lifecycle/${spec.operation}`);
      return { user_id: user.id, status: userStatus(spec.result), already: false };
    },
  };
}
