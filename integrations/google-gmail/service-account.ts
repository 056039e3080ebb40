import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import {
  OAuth2ClientCredentials,
  type HttpClient,
  type ParseErrorHook,
} from '../../src/integrations/kit/http-client';
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

/**
 * Google's two-legged OAuth for service accounts: a signed JWT assertion exchanged for an access
 * token, one provider per impersonated user. The kit's provider caches the token until shortly
 * before it expires and lets concurrent callers share one exchange; each exchange signs afresh.
 */
export function serviceAccountTokens(
  http: HttpClient,
  options: ServiceAccountTokensOptions,
): OAuth2ClientCredentials {
  const { account, subject } = options;
  const now = options.now ?? Date.now;
  return new OAuth2ClientCredentials(http, {
    tokenPath: options.tokenPath,
    grantType: JWT_BEARER_GRANT,
    assertion: () => {
      const iat = Math.floor(now() / 1000);
      const claims = {
        iss: account.clientEmail,
        ...(subject ? { sub: subject } : {}),
        scope: options.scopes,
        aud: options.audience,
        iat,
        exp: iat + 3600,
      };
      return signJwt(claims, account.privateKey, account.keyId);
    },
    subject,
    parseError: options.parseError,
    now,
  });
}
