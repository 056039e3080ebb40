import { bool, contracts, object, str } from './contract';

const user = object(
  {
    user_id: str('Vendor id of the user (Okta user id, Entra object id)'),
    login: str('Sign-in name, usually the e-mail address or UPN'),
    email: str(),
    display_name: str(),
    status: str('active | suspended | deprovisioned | staged | locked'),
  },
  ['user_id', 'login', 'status'],
);

const userAction = object({ user_id: str(), reason: str('Why, for the vendor audit trail') }, ['user_id']);

const userState = object(
  {
    user_id: str(),
    status: str('The account status after the call'),
    already: bool('True when the account was already in the requested state'),
  },
  ['user_id', 'status', 'already'],
);

export const IDENTITY = contracts([
  {
    name: 'identity.find_user',
    description: 'Find one user by login or e-mail address (case-insensitive). Fails if none matches.',
    mutating: false,
    input: object({ user: str('Login, UPN or e-mail address') }, ['user']),
    output: user,
  },
  {
    name: 'identity.suspend_user',
    description: 'Block the account from signing in. Idempotent.',
    mutating: true,
    input: userAction,
    output: userState,
  },
  {
    name: 'identity.unsuspend_user',
    description: 'Let a suspended account sign in again. Idempotent.',
    mutating: true,
    input: userAction,
    output: userState,
  },
  {
    name: 'identity.revoke_sessions',
    description: 'End every session and refresh token of the user, forcing a new sign-in.',
    mutating: true,
    input: userAction,
    output: object({ user_id: str(), revoked: bool('True once the vendor accepted the revocation') }, [
      'user_id',
      'revoked',
    ]),
  },
  {
    name: 'identity.reset_mfa',
    description: 'Remove the enrolled MFA factors so the user must enrol again.',
    mutating: true,
    input: userAction,
    output: object(
      { user_id: str(), factors_reset: { type: 'integer', description: 'How many factors were removed' } },
      ['user_id', 'factors_reset'],
    ),
  },
]);
