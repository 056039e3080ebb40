import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, OktaClient, requiredString } from '../okta.client';
import type { UserActionInput } from './lifecycle';

export interface ClearSessionsOutput extends Record<string, unknown> {
  user_id: string;
  revoked: boolean;
}

const contract = CAPABILITIES['identity.revoke_sessions'];

export const clearSessions: IntegrationAction<UserActionInput, ClearSessionsOutput> = {
  name: 'clear_sessions',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Clears every Okta session of the user and, with `oauthTokens=true`, the OIDC/OAuth tokens Okta
   * issued to apps for them. Clearing nothing is not an error, so a repeat is harmless.
   */
  async run(ctx: ActionContext, input: UserActionInput): Promise<ClearSessionsOutput> {
    const userId = requiredString(input, 'user_id');
    await new OktaClient(ctx).delete(`/api/v1/users/${enc(userId)}/sessions`, { oauthTokens: 'true' });
    return { user_id: userId, revoked: true };
  },
};
