import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, OktaClient, requiredString } from '../okta.client';
import type { UserActionInput } from './lifecycle';

export interface ResetFactorsOutput extends Record<string, unknown> {
  user_id: string;
  factors_reset: number;
}

const contract = CAPABILITIES['identity.reset_mfa'];

export const resetFactors: IntegrationAction<UserActionInput, ResetFactorsOutput> = {
  name: 'reset_factors',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Counts the user's factors, then resets them all in one lifecycle call (the user stays ACTIVE and
   * must enrol again at next sign-in). No factors, no call: a repeat reports 0.
   */
  async run(ctx: ActionContext, input: UserActionInput): Promise<ResetFactorsOutput> {
    const userId = requiredString(input, 'user_id');
    const okta = new OktaClient(ctx);
    const factors = await okta.factors(userId);
    if (factors.length) await okta.post(`/api/v1/users/${enc(userId)}/lifecycle/reset_factors`);
    return { user_id: userId, factors_reset: factors.length };
  },
};
