import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { OktaClient, requiredString, userStatus, VENDOR, type OktaUser } from '../okta.client';

export interface FindUserInput {
  user: string;
}

export interface FoundUser extends Record<string, unknown> {
  user_id: string;
  login: string;
  email?: string;
  display_name?: string;
  status: string;
}

const contract = CAPABILITIES['identity.find_user'];

export const findUser: IntegrationAction<FindUserInput, FoundUser> = {
  name: 'find_user',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /**
   * Finds the Okta user whose login or primary e-mail is `user`. Okta's `search` compares
   * case-insensitively (its `filter` would not); a user the search index has not caught up with yet,
   * or an id or short name, is then tried by direct lookup.
   */
  async run(ctx: ActionContext, input: FindUserInput): Promise<FoundUser> {
    const wanted = requiredString(input, 'user');
    const okta = new OktaClient(ctx);
    const literal = searchString(wanted);
    const candidates = await okta.searchUsers(`profile.login eq ${literal} or profile.email eq ${literal}`);
    const user = pick(candidates, wanted) ?? (await okta.findUser(wanted));
    if (!user) {
      throw new VendorError({
        vendor: VENDOR,
        status: 404,
        code: 'USER_NOT_FOUND',
        message: `no Okta user with login or e-mail "${wanted}"`,
        retryable: false,
      });
    }
    return toUser(user);
  },
};

/**
 * Logins are unique in an org, e-mail addresses are not: a login match wins; otherwise the one user
 * with that e-mail, preferring accounts not deprovisioned (a re-hire leaves the old one behind).
 */
function pick(users: OktaUser[], wanted: string): OktaUser | undefined {
  const key = wanted.toLowerCase();
  const byLogin = users.find((u) => u.profile?.login?.toLowerCase() === key);
  if (byLogin) return byLogin;
  const byEmail = users.filter((u) => u.profile?.email?.toLowerCase() === key);
  const live = byEmail.filter((u) => u.status !== 'DEPROVISIONED');
  const choice = live.length ? live : byEmail;
  if (choice.length > 1) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'AMBIGUOUS_USER',
      message: `${choice.length} Okta users have the e-mail "${wanted}" (${choice
        .map((u) => u.profile.login)
        .join(', ')}); name the login instead`,
      retryable: false,
    });
  }
  return choice[0];
}

export function toUser(user: OktaUser): FoundUser {
  const found: FoundUser = { user_id: user.id, login: user.profile.login, status: userStatus(user.status) };
  if (user.profile.email) found.email = user.profile.email;
  const name =
    user.profile.displayName ||
    [user.profile.firstName, user.profile.lastName].filter((part) => !!part).join(' ');
  if (name) found.display_name = name;
  return found;
}

/** A string literal of Okta's filter language: double quotes, `\` escaping `"` and `\`. */
function searchString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
