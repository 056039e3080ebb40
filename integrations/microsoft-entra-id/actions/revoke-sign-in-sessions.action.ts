import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { EntraGraphClient, enc, requiredString } from '../entra.client';
import type { UserActionInput } from './account-enabled';

export interface RevokeOutput extends Record<string, unknown> {
  user_id: string;
  revoked: boolean;
}

const contract = CAPABILITIES['identity.revoke_sessions'];

export const revokeSignInSessions: IntegrationAction<UserActionInput, RevokeOutput> = {
  name: 'revoke_sign_in_sessions',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Invalidates the user's refresh tokens and browser session cookies by moving
   * `signInSessionsValidFromDateTime` to now. Repeating it is harmless. Apps holding an access
   * token keep it until it expires (about an hour), unless they support continuous access evaluation.
   */
  async run(ctx: ActionContext, input: UserActionInput): Promise<RevokeOutput> {
    const userId = requiredString(input, 'user_id');
    const res = await new EntraGraphClient(ctx).post<{ value?: unknown }>(
      `/users/${enc(userId)}/revokeSignInSessions`,
    );
    return { user_id: userId, revoked: res.body?.value === true };
  },
};
