import { createHash } from 'node:crypto';

/** Authentication method kinds, by the name of their Graph collection without "Methods". */
export const METHOD_KINDS = [
  'password',
  'phone',
  'microsoftAuthenticator',
  'fido2',
  'softwareOath',
  'email',
  'temporaryAccessPass',
  'windowsHelloForBusiness',
] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];

/** `phoneMethods` → `phone`, or undefined for a collection the fake does not know. */
export function kindOfCollection(collection: string): MethodKind | undefined {
  return METHOD_KINDS.find((k) => `${k}Methods` === collection);
}

export interface EntraFakeMethodInput {
  kind: Exclude<MethodKind, 'password'>;
  phoneType?: 'mobile' | 'alternateMobile' | 'office';
  /** The user's default sign-in method (the first MFA method when none says so). */
  default?: boolean;
}

/** What a test may say about a user; everything else gets a plausible default. */
export interface EntraFakeUserInput {
  userPrincipalName: string;
  id?: string;
  displayName?: string;
  mail?: string | null;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  proxyAddresses?: string[];
  /** Synced from on-premises AD: Graph refuses to change accountEnabled (400). */
  onPremisesSyncEnabled?: boolean;
  /** Holds a privileged admin role the fake's app may not touch: updates get 403. */
  privileged?: boolean;
  /** Registered methods besides the password, which every member has. */
  methods?: Array<EntraFakeMethodInput['kind'] | EntraFakeMethodInput>;
}

/** A user with every property the fake knows; `$select` picks from these. */
export interface GraphUserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  businessPhones: string[];
  accountEnabled: boolean;
  userType: string;
  proxyAddresses: string[];
  otherMails: string[];
  onPremisesSyncEnabled: boolean | null;
  createdDateTime: string;
  signInSessionsValidFromDateTime: string;
}

/** Graph returns these user properties when the request has no `$select`. */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

export type MethodRecord = { '@odata.type': string; id: string } & Record<string, unknown>;

export interface EntraFakeUser {
  record: GraphUserRecord;
  methods: Array<{ kind: MethodKind; body: MethodRecord }>;
  defaultMethodId: string | undefined;
  privileged: boolean;
}

/** Why a method deletion was refused, in Graph's terms. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const SEEDED = '2024-01-15T09:00:00Z';
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
/** Graph's fixed ids for the three phone slots. */
const PHONE_IDS = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
};

export const DEFAULT_USERS: EntraFakeUserInput[] = [
  // One MFA method: Graph deletes methods one by one, and the conformance suite counts one effect.
  {
    userPrincipalName: 'alice@example.com',
    displayName: 'Alice Anderson',
    methods: ['microsoftAuthenticator'],
  },
  {
    userPrincipalName: 'bob@example.com',
    displayName: 'Bob Brown',
    methods: [
      { kind: 'phone', phoneType: 'mobile', default: true },
      { kind: 'phone', phoneType: 'alternateMobile' },
      'microsoftAuthenticator',
      'fido2',
      'email',
    ],
  },
  {
    userPrincipalName: 'carol@example.com',
    displayName: 'Carol Chen',
    accountEnabled: false,
    methods: ['softwareOath'],
  },
  {
    userPrincipalName: 'dave@example.com',
    displayName: 'Dave Diaz',
    onPremisesSyncEnabled: true,
    methods: ['phone'],
  },
  { userPrincipalName: 'admin@example.com', displayName: 'Ada Admin', privileged: true, methods: ['fido2'] },
  {
    userPrincipalName: 'frank.miller@example.onmicrosoft.com',
    displayName: 'Frank Miller',
    mail: 'frank@example.com',
    proxyAddresses: ['SMTP:frank@example.com', 'smtp:f.miller@example.com'],
  },
  {
    userPrincipalName: 'partner_vendor.example#EXT#@example.onmicrosoft.com',
    displayName: 'Pat Partner (Vendor)',
    mail: 'partner@vendor.example',
    userType: 'Guest',
  },
];

/** The fake's directory: users, their account state, sessions and authentication methods. */
export class EntraDirectory {
  private readonly byId = new Map<string, EntraFakeUser>();

  constructor(
    seed: EntraFakeUserInput[],
    private readonly now: () => number,
  ) {
    for (const input of seed) this.add(input);
  }

  add(input: EntraFakeUserInput): EntraFakeUser {
    if (!input || typeof input.userPrincipalName !== 'string' || !input.userPrincipalName.includes('@')) {
      throw new Error('a user needs a userPrincipalName like name@domain');
    }
    if (this.get(input.userPrincipalName)) throw new Error(`${input.userPrincipalName} already exists`);
    const upn = input.userPrincipalName;
    const id = (input.id ?? guid(`user:${upn}`)).toLowerCase();
    if (this.byId.has(id)) throw new Error(`user ${id} already exists`);
    const guest = input.userType === 'Guest';
    const mail = input.mail === undefined ? (guest ? null : upn) : input.mail;
    const [given, ...rest] = (input.displayName ?? upn.split('@')[0]).split(' ');
    const user: EntraFakeUser = {
      record: {
        id,
        userPrincipalName: upn,
        displayName: input.displayName ?? upn.split('@')[0],
        givenName: given ?? null,
        surname: rest.join(' ') || null,
        mail,
        jobTitle: null,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        businessPhones: [],
        accountEnabled: input.accountEnabled ?? true,
        userType: input.userType ?? 'Member',
        proxyAddresses: input.proxyAddresses ?? (mail && !guest ? [`SMTP:${mail}`] : []),
        otherMails: [],
        onPremisesSyncEnabled: input.onPremisesSyncEnabled ?? null,
        createdDateTime: SEEDED,
        signInSessionsValidFromDateTime: SEEDED,
      },
      methods: [{ kind: 'password', body: method('password', upn, 0) }],
      defaultMethodId: undefined,
      privileged: input.privileged ?? false,
    };
    (input.methods ?? []).forEach((m, i) => {
      const spec: EntraFakeMethodInput = typeof m === 'string' ? { kind: m } : m;
      if (!METHOD_KINDS.includes(spec.kind) || spec.kind === ('password' as MethodKind)) {
        throw new Error(`method kind must be one of ${METHOD_KINDS.slice(1).join(', ')}`);
      }
      const body = method(spec.kind, upn, i + 1, spec.phoneType);
      if (user.methods.some((existing) => existing.body.id === body.id)) {
        throw new Error(`${upn} already has a ${spec.phoneType ?? spec.kind} method`);
      }
      user.methods.push({ kind: spec.kind, body });
      if (spec.default || (!user.defaultMethodId && canBeDefault(spec.kind))) user.defaultMethodId = body.id;
    });
    this.byId.set(id, user);
    return user;
  }

  all(): EntraFakeUser[] {
    return [...this.byId.values()];
  }

  /** By object id or UPN, without regard to case. */
  get(idOrUpn: string): EntraFakeUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.byId.get(key) ?? this.all().find((u) => u.record.userPrincipalName.toLowerCase() === key);
  }

  /** Sets accountEnabled; whether it changed. */
  setAccountEnabled(user: EntraFakeUser, enabled: boolean): boolean {
    if (user.record.accountEnabled === enabled) return false;
    user.record.accountEnabled = enabled;
    return true;
  }

  /** Invalidates every refresh token and session cookie issued before now. */
  revokeSessions(user: EntraFakeUser): void {
    user.record.signInSessionsValidFromDateTime = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  /** Deletes a method from its collection, or says why Graph would not. */
  deleteMethod(user: EntraFakeUser, kind: MethodKind, methodId: string): Refusal | undefined {
    const target = user.methods.find((m) => m.kind === kind && m.body.id === methodId.toLowerCase());
    if (!target) {
      return {
        status: 404,
        code: 'itemNotFound',
        message: `Authentication method '${methodId}' was not found.`,
      };
    }
    if (kind === 'password') {
      return {
        status: 400,
        code: 'badRequest',
        message: 'The password authentication method cannot be deleted.',
      };
    }
    const others = user.methods.filter((m) => m !== target && m.kind !== 'password');
    if (target.body.phoneType === 'mobile' && others.some((m) => m.body.phoneType === 'alternateMobile')) {
      return {
        status: 400,
        code: 'badRequest',
        message:
          'A user cannot have an alternateMobile number without a mobile number. Delete the alternateMobile number first.',
      };
    }
    if (target.body.id === user.defaultMethodId && others.length) {
      return {
        status: 400,
        code: 'badRequest',
        message:
          'Cannot delete default method with other methods configured. Please change default method before deletion.',
      };
    }
    user.methods = user.methods.filter((m) => m !== target);
    if (user.defaultMethodId === target.body.id) user.defaultMethodId = undefined;
    return undefined;
  }
}

function canBeDefault(kind: MethodKind): boolean {
  return kind !== 'email' && kind !== 'temporaryAccessPass';
}

/** A stable GUID (version-4 shaped) derived from `seed`. */
export function guid(seed: string): string {
  const h = createHash('sha256').update(`entra-fake:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function method(
  kind: MethodKind,
  upn: string,
  index: number,
  phoneType: EntraFakeMethodInput['phoneType'] = 'mobile',
): MethodRecord {
  const type = `#microsoft.graph.${kind}AuthenticationMethod`;
  const id = guid(`method:${upn}:${kind}:${index}`);
  switch (kind) {
    case 'password':
      return { '@odata.type': type, id: PASSWORD_METHOD_ID, password: null, createdDateTime: SEEDED };
    case 'phone':
      return {
        '@odata.type': type,
        id: PHONE_IDS[phoneType],
        phoneNumber:
          phoneType === 'office' ? '+1 4255550199' : `+1 20655501${String(index).padStart(2, '0')}`,
        phoneType,
        smsSignInState: 'notAllowedByPolicy',
      };
    case 'microsoftAuthenticator':
      return {
        '@odata.type': type,
        id,
        displayName: 'iPhone 15',
        deviceTag: 'SoftwareTokenActivated',
        phoneAppVersion: '6.8.7',
        createdDateTime: SEEDED,
      };
    case 'fido2':
      return {
        '@odata.type': type,
        id,
        displayName: 'YubiKey 5 NFC',
        aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
        model: 'YubiKey 5 Series',
        attestationCertificates: [],
        attestationLevel: 'attested',
        createdDateTime: SEEDED,
      };
    case 'softwareOath':
      return { '@odata.type': type, id, secretKey: null };
    case 'email':
      return { '@odata.type': type, id, emailAddress: `recovery+${upn.split('@')[0]}@example.net` };
    case 'temporaryAccessPass':
      return {
        '@odata.type': type,
        id,
        startDateTime: SEEDED,
        lifetimeInMinutes: 60,
        isUsableOnce: true,
        isUsable: false,
        methodUsabilityReason: 'Expired',
        temporaryAccessPass: null,
        createdDateTime: SEEDED,
      };
    case 'windowsHelloForBusiness':
      return {
        '@odata.type': type,
        id,
        displayName: 'DESKTOP-ALICE',
        keyStrength: 'normal',
        createdDateTime: SEEDED,
      };
  }
}
