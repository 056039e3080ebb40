import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { HttpClient, ParseErrorHook, TokenProvider } from '../../src/integrations/kit/http-client';
import { VendorError } from '../../src/integrations/kit/vendor-error';

/** The fields of a service account's JSON key the adapter uses. */
export interface ServiceAccount {
  clientEmail: string;
  privateKey: KeyObject;
  keyId?: string;
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Reads the `serviceAccountKey` secret; problems are named without quoting the key. */
export function parseServiceAccountKey(json: string | undefined, vendor: string): ServiceAccount {
  const fail = (code: string, message: string): never => {
    throw new VendorError({ vendor, code, message, retryable: false });
  };
  if (!json) return fail('MISSING_CREDENTIALS', 'the connection has no serviceAccountKey');
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return fail('BAD_CREDENTIALS', 'serviceAccountKey is not valid JSON (paste the whole key file)');
  }
  if (!key || typeof key !== 'object')
    return fail('BAD_CREDENTIALS', 'serviceAccountKey is not a JSON object');
  const clientEmail = typeof key.client_email === 'string' ? key.client_email : '';
  const pem = typeof key.private_key === 'string' ? key.private_key : '';
  if (!clientEmail || !pem)
    return fail('BAD_CREDENTIALS', 'serviceAccountKey needs client_email and private_key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    return fail('BAD_CREDENTIALS', 'serviceAccountKey.private_key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    return fail('BAD_CREDENTIALS', 'serviceAccountKey.private_key must be an RSA key');
  }
  const keyId = typeof key.private_key_id === 'string' && key.private_key_id ? key.private_key_id : undefined;
  return { clientEmail, privateKey, keyId };
}

/** A compact RS256 JWS: `base64url(header).base64url(claims).base64url(signature)`. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject, keyId?: string): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(keyId ? { kid: keyId } : {}) };
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(input), key).toString('base64url');
  return `${input}.${signature}`;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export interface ServiceAccountTokensOptions {
  account: ServiceAccount;
  /** Token URL as the JWT's audience, and the path on `http` to post it to. */
  audience: string;
  tokenPath: string;
  /** Space-separated scopes the Workspace admin granted the client ID. */
  scopes: string;
  /** The user to impersonate (domain-wide delegation); none for the service account itself. */
  subject?: string;
  parseError?: ParseErrorHook;
  now?: () => number;
}

interface TokenBody {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * Google's two-legged OAuth for service accounts: a signed JWT assertion exchanged for an access
 * token, one per impersonated user, cached until shortly before it expires. Concurrent callers
 * share one exchange.
 */
export class ServiceAccountTokens implements TokenProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly http: HttpClient,
    private readonly options: ServiceAccountTokensOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A valid access token for the subject, from the cache when it still has life in it. */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.expiresAt) return this.cached.token;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { account, subject } = this.options;
    const iat = Math.floor(this.now() / 1000);
    const assertion = signJwt(
      {
        iss: account.clientEmail,
        ...(subject ? { sub: subject } : {}),
        scope: this.options.scopes,
        aud: this.options.audience,
        iat,
        exp: iat + 3600,
      },
      account.privateKey,
      account.keyId,
    );
    let body: TokenBody | undefined;
    try {
      ({ body } = await this.http.request<TokenBody | undefined>({
        method: 'POST',
        path: this.options.tokenPath,
        form: { grant_type: JWT_BEARER_GRANT, assertion },
        parseError: this.options.parseError,
      }));
    } catch (err) {
      // 400/401/403 from the token endpoint: a bad key, an unknown user or scopes the admin did not grant.
      if (err instanceof VendorError && !err.retryable && [400, 401, 403].includes(err.status ?? 0)) {
        throw new VendorError({
          vendor: err.vendor,
          status: err.status,
          code: 'AUTH_FAILED',
          message: `authentication failed${subject ? ` for ${subject}` : ''}: ${err.message}`,
          retryable: false,
        });
      }
      throw err;
    }
    const token = body?.access_token;
    if (typeof token !== 'string' || !token) {
      throw new VendorError({
        vendor: this.http.vendor,
        code: 'AUTH_FAILED',
        message: 'the token endpoint answered without an access_token',
        retryable: false,
      });
    }
    const lifeMs = (typeof body?.expires_in === 'number' ? body.expires_in : 300) * 1000;
    const usableMs = Math.max(lifeMs - 60_000, lifeMs / 2);
    this.cached = { token, expiresAt: this.now() + usableMs };
    return token;
  }
}
