import { randomBytes, type KeyObject } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';
import { formField, oauthError } from './gmail-responses';
import { checkAssertion } from './jwt-assertion';

export interface GoogleTokensOptions {
  clientEmail: string;
  publicKey: KeyObject;
  /** Scopes the "Workspace admin" granted the account's client ID for domain-wide delegation. */
  authorizedScopes: Set<string>;
  ttlSeconds: number;
  now: () => number;
  /** Whether the domain has this user (impersonating anyone else fails). */
  isUser: (email: string) => boolean;
}

export interface IssuedToken {
  /** The impersonated user (lower case); none for the service account itself. */
  subject: string | undefined;
  scopes: Set<string>;
  expiresAt: number;
}

/**
 * The fake's Google OAuth token endpoint for the JWT-bearer grant: verifies the service account's
 * signed assertion, the delegated scopes and the user, and issues one token per subject.
 */
export class GoogleTokens {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(private readonly options: GoogleTokensOptions) {}

  /** Answers `POST /token`; `tokenUrl` is this fake's own, an accepted audience beside Google's. */
  issue(req: FakeRequest, tokenUrl: string): FakeResponse {
    const { now, ttlSeconds } = this.options;
    const grant = formField(req, 'grant_type');
    if (grant !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    }
    const checked = checkAssertion(formField(req, 'assertion') ?? '', {
      publicKey: this.options.publicKey,
      clientEmail: this.options.clientEmail,
      audiences: [tokenUrl, 'https://oauth2.googleapis.com/token'],
      nowSeconds: Math.floor(now() / 1000),
    });
    if (!checked.ok) return oauthError(checked.status, checked.error, checked.description);
    const scopes = checked.claims.scope.split(/\s+/).filter(Boolean);
    if (scopes.some((s) => !this.options.authorizedScopes.has(s))) {
      return oauthError(
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      );
    }
    const subject = checked.claims.sub;
    if (subject !== undefined && !this.options.isUser(subject)) {
      return oauthError(400, 'invalid_grant', 'Invalid email or User ID');
    }
    const token = `ya29.${randomBytes(48).toString('base64url')}`;
    this.issued.set(token, {
      subject: subject?.toLowerCase(),
      scopes: new Set(scopes),
      expiresAt: now() + ttlSeconds * 1000,
    });
    return { status: 200, body: { access_token: token, expires_in: ttlSeconds, token_type: 'Bearer' } };
  }

  /** The live token a request carries, if any. */
  lookup(req: FakeRequest): IssuedToken | undefined {
    const raw = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = raw ? this.issued.get(raw) : undefined;
    return token && token.expiresAt > this.options.now() ? token : undefined;
  }

  expireAll(): void {
    this.issued.clear();
  }
}
