import { createHash } from 'node:crypto';

export const OKTA_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;
export type OktaStatus = (typeof OKTA_STATUSES)[number];

export const FACTOR_TYPES = ['push', 'sms', 'call', 'token:software:totp', 'webauthn', 'email'] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

/** What a test may say about a user; everything else gets a plausible default. */
export interface OktaFakeUserInput {
  login: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  status?: OktaStatus;
  id?: string;
  /** Enrolled factors, ACTIVE unless said otherwise. */
  factors?: Array<FactorType | { factorType: FactorType; status?: 'ACTIVE' | 'PENDING_ACTIVATION' }>;
  /** Open Okta sessions, and OAuth tokens issued to apps for the user. */
  sessions?: number;
  oauthTokens?: number;
}

/** A factor in the shape of GET /api/v1/users/{id}/factors (without `_links`). */
export interface OktaFactorRecord {
  id: string;
  factorType: FactorType;
  provider: string;
  vendorName: string;
  status: string;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown>;
}

/** A user in the shape of GET /api/v1/users/{id} (without `_links`). */
export interface OktaUserRecord {
  id: string;
  status: OktaStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: {
    login: string;
    email: string;
    firstName: string | null;
    lastName: string | null;
    mobilePhone: string | null;
    secondEmail: string | null;
  };
  credentials: { password: Record<string, never>; provider: { type: string; name: string } };
}

export interface OktaFakeUser {
  record: OktaUserRecord;
  factors: OktaFactorRecord[];
  sessions: number;
  oauthTokens: number;
}

const SEEDED = '2024-01-15T09:00:00.000Z';
const USER_TYPE_ID = 'oty1fakeusertype0001';

export const DEFAULT_USERS: OktaFakeUserInput[] = [
  {
    login: 'alice@example.com',
    firstName: 'Alice',
    lastName: 'Anderson',
    factors: ['push', 'sms'],
    sessions: 2,
    oauthTokens: 1,
  },
  {
    login: 'bob@example.com',
    firstName: 'Bob',
    lastName: 'Brown',
    factors: ['token:software:totp'],
    sessions: 1,
  },
  {
    login: 'carol@example.com',
    firstName: 'Carol',
    lastName: 'Chen',
    status: 'SUSPENDED',
    factors: ['push'],
  },
  { login: 'dave@example.com', firstName: 'Dave', lastName: 'Diaz', status: 'PROVISIONED' },
  { login: 'erin@example.com', firstName: 'Erin', lastName: 'Evans', status: 'DEPROVISIONED' },
  { login: 'lena@example.com', firstName: 'Lena', lastName: 'Lopez', status: 'LOCKED_OUT', factors: ['sms'] },
  {
    login: 'frank.miller@corp.example.com',
    email: 'frank@example.com',
    firstName: 'Frank',
    lastName: 'Miller',
    factors: ['webauthn', 'email'],
  },
];

/**
 * The fake's users, their factors and sessions. Lifecycle changes are synchronous, as at Okta for
 * suspend, unsuspend and reset_factors; each method says whether it changed anything.
 */
export class OktaUserStore {
  private readonly byId = new Map<string, OktaFakeUser>();

  constructor(
    seed: OktaFakeUserInput[],
    private readonly now: () => number,
  ) {
    for (const input of seed) this.add(input);
  }

  add(input: OktaFakeUserInput): OktaFakeUser {
    if (!input || typeof input.login !== 'string' || !input.login) throw new Error('a user needs a login');
    if (input.status !== undefined && !OKTA_STATUSES.includes(input.status)) {
      throw new Error(`status must be one of ${OKTA_STATUSES.join(', ')}`);
    }
    if (this.byLogin(input.login)) throw new Error(`a user with login ${input.login} already exists`);
    const id = input.id ?? oktaId('00u', input.login);
    if (this.byId.has(id)) throw new Error(`user ${id} already exists`);
    const status = input.status ?? 'ACTIVE';
    const active = !['STAGED', 'PROVISIONED'].includes(status);
    const factors = (input.factors ?? []).map((f, i) => {
      const spec = typeof f === 'string' ? { factorType: f } : f;
      if (!FACTOR_TYPES.includes(spec.factorType)) {
        throw new Error(`factorType must be one of ${FACTOR_TYPES.join(', ')}`);
      }
      return factor(input.login, spec.factorType, spec.status ?? 'ACTIVE', i);
    });
    const user: OktaFakeUser = {
      record: {
        id,
        status,
        created: SEEDED,
        activated: active ? SEEDED : null,
        statusChanged: active ? SEEDED : null,
        lastLogin: status === 'ACTIVE' ? new Date(this.now()).toISOString() : null,
        lastUpdated: SEEDED,
        passwordChanged: active ? SEEDED : null,
        type: { id: USER_TYPE_ID },
        profile: {
          login: input.login,
          email: input.email ?? input.login,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          mobilePhone: null,
          secondEmail: null,
        },
        credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
      },
      factors,
      sessions: input.sessions ?? 0,
      oauthTokens: input.oauthTokens ?? 0,
    };
    this.byId.set(id, user);
    return user;
  }

  all(): OktaFakeUser[] {
    return [...this.byId.values()];
  }

  /** By id, by login (case-insensitive) or by short name (the login before "@") when unambiguous. */
  get(idOrLogin: string): OktaFakeUser | undefined {
    const byId = this.byId.get(idOrLogin);
    if (byId) return byId;
    const byLogin = this.byLogin(idOrLogin);
    if (byLogin) return byLogin;
    const short = idOrLogin.toLowerCase();
    const matches = this.all().filter((u) => u.record.profile.login.toLowerCase().split('@')[0] === short);
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Moves a user to `to` if it is in `from`; false (no change) otherwise. */
  transition(user: OktaFakeUser, from: OktaStatus, to: OktaStatus): boolean {
    if (user.record.status !== from) return false;
    user.record.status = to;
    user.record.statusChanged = user.record.lastUpdated = new Date(this.now()).toISOString();
    return true;
  }

  /** Unenrols every factor; returns how many there were. */
  resetFactors(user: OktaFakeUser): number {
    const count = user.factors.length;
    user.factors = [];
    if (count) user.record.lastUpdated = new Date(this.now()).toISOString();
    return count;
  }

  deleteFactor(user: OktaFakeUser, factorId: string): boolean {
    const before = user.factors.length;
    user.factors = user.factors.filter((f) => f.id !== factorId);
    return user.factors.length < before;
  }

  /** Ends the user's sessions (and OAuth tokens when asked); whether there was anything to end. */
  clearSessions(user: OktaFakeUser, oauthTokens: boolean): boolean {
    const changed = user.sessions > 0 || (oauthTokens && user.oauthTokens > 0);
    user.sessions = 0;
    if (oauthTokens) user.oauthTokens = 0;
    return changed;
  }

  private byLogin(login: string): OktaFakeUser | undefined {
    const key = login.toLowerCase();
    return this.all().find((u) => u.record.profile.login.toLowerCase() === key);
  }
}

/** Okta ids: a 3-character type prefix and 17 more characters; derived, so stable across runs. */
function oktaId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(`okta-fake:${prefix}:${seed}`).digest();
  return prefix + [...digest.subarray(0, 17)].map((b) => alphabet[b % alphabet.length]).join('');
}

const FACTOR_SHAPES: Record<FactorType, { prefix: string; provider: string; vendorName: string }> = {
  push: { prefix: 'opf', provider: 'OKTA', vendorName: 'OKTA' },
  sms: { prefix: 'sms', provider: 'OKTA', vendorName: 'OKTA' },
  call: { prefix: 'clf', provider: 'OKTA', vendorName: 'OKTA' },
  'token:software:totp': { prefix: 'uft', provider: 'GOOGLE', vendorName: 'GOOGLE' },
  webauthn: { prefix: 'fwf', provider: 'FIDO', vendorName: 'FIDO' },
  email: { prefix: 'emf', provider: 'OKTA', vendorName: 'OKTA' },
};

function factor(login: string, factorType: FactorType, status: string, index: number): OktaFactorRecord {
  const shape = FACTOR_SHAPES[factorType];
  const profiles: Record<FactorType, Record<string, unknown>> = {
    push: {
      credentialId: login,
      deviceType: 'SmartPhone_IPhone',
      name: 'iPhone',
      platform: 'IOS',
      version: '17.4',
    },
    sms: { phoneNumber: '+1-555-0100' },
    call: { phoneNumber: '+1-555-0101' },
    'token:software:totp': { credentialId: login },
    webauthn: { authenticatorName: 'YubiKey 5 NFC', credentialId: oktaId('', `${login}:webauthn`) },
    email: { email: login },
  };
  return {
    id: oktaId(shape.prefix, `${login}:${factorType}:${index}`),
    factorType,
    provider: shape.provider,
    vendorName: shape.vendorName,
    status,
    created: SEEDED,
    lastUpdated: SEEDED,
    profile: profiles[factorType],
  };
}
