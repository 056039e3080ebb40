import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import {
  EntraGraphClient,
  enc,
  odataString,
  requiredString,
  USER_FIELDS,
  userStatus,
  VENDOR,
  type GraphUser,
} from '../entra.client';

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
   * Finds the Entra user whose UPN (or object id) is `user`, else whose mail or SMTP proxy address
   * is. Entra compares these without regard to case.
   */
  async run(ctx: ActionContext, input: FindUserInput): Promise<FoundUser> {
    const wanted = requiredString(input, 'user');
    const graph = new EntraGraphClient(ctx);
    const direct = await graph.get<GraphUser>(`/users/${enc(wanted)}`, { $select: USER_FIELDS }, [200, 404]);
    if (direct.status === 200) return toUser(direct.body);

    // Not a UPN: an e-mail address may be the user's mail or one of its proxy (alias) addresses.
    const matches = await graph.collect<GraphUser>(
      '/users',
      {
        $filter: `mail eq ${odataString(wanted)} or proxyAddresses/any(p:p eq ${odataString(`smtp:${wanted}`)})`,
        $select: USER_FIELDS,
        $top: 5,
      },
      1,
    );
    const byMail = matches.filter((u) => u.mail?.toLowerCase() === wanted.toLowerCase());
    const choice = byMail.length ? byMail : matches;
    if (choice.length > 1) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'AMBIGUOUS_USER',
        message: `${choice.length} Entra users have the address "${wanted}" (${choice
          .map((u) => u.userPrincipalName)
          .join(', ')}); name the UPN instead`,
        retryable: false,
      });
    }
    if (!choice[0]) {
      throw new VendorError({
        vendor: VENDOR,
        status: 404,
        code: 'USER_NOT_FOUND',
        message: `no Entra user with UPN, mail or proxy address "${wanted}"`,
        retryable: false,
      });
    }
    return toUser(choice[0]);
  },
};

export function toUser(user: GraphUser): FoundUser {
  const found: FoundUser = {
    user_id: user.id,
    login: user.userPrincipalName,
    status: userStatus(user.accountEnabled),
  };
  if (user.mail) found.email = user.mail;
  if (user.displayName) found.display_name = user.displayName;
  return found;
}
