import type { HttpClient, ParseErrorHook, RetryAfterHook, TokenProvider } from './http-client';
import { VendorError } from './vendor-error';

/**
 * How the client proves who it is: a client id and secret (the client-credentials grant), or a
 * signed assertion (RFC 7523 JWT bearer, e.g. a Google service account) made afresh for each
 * token request, since it carries its own issue and expiry times.
 */
type OAuth2Credentials =
  | { clientId: string; clientSecret: string; assertion?: undefined }
  | { assertion: () => string; clientId?: undefined; clientSecret?: undefined };

export type OAuth2ClientCredentialsOptions = OAuth2Credentials & {
  tokenPath: string;
  /** Extra form fields, e.g. Falcon's `member_cid` or an OAuth2 `scope`. */
  extra?: Record<string, string>;
  /** Sent as `grant_type` when set; some vendors (Falcon) do not want it. */
  grantType?: string;
  /** Who the token acts for (an impersonated user), named when authentication fails. */
  subject?: string;
  /** Refresh this long before the vendor's expiry so a token never dies mid-call. */
  refreshSkewMs?: number;
  now?: () => number;
  /** The vendor's hooks, for the token request too (a token endpoint rate-limits like the rest). */
  retryAfter?: RetryAfterHook;
  parseError?: ParseErrorHook;
};

interface TokenBody {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * OAuth2 tokens from a client id and secret or a signed assertion, cached until shortly before
 * they expire. Concurrent callers share one refresh, so a burst of actions costs one token request.
 */
export class OAuth2ClientCredentials implements TokenProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly http: HttpClient,
    private readonly options: OAuth2ClientCredentialsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A valid access token, from the cache when it still has life in it. */
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
    const options = this.options;
    const form: Record<string, string> = {
      ...(options.assertion
        ? { assertion: options.assertion() }
        : { client_id: options.clientId, client_secret: options.clientSecret }),
      ...options.extra,
    };
    if (this.options.grantType) form.grant_type = this.options.grantType;
    let body: TokenBody | undefined;
    try {
      ({ body } = await this.http.request<TokenBody | undefined>({
        method: 'POST',
        path: this.options.tokenPath,
        form,
        retryAfter: this.options.retryAfter,
        parseError: this.options.parseError,
      }));
    } catch (err) {
      // 400/401/403 from a token endpoint means the credentials (or the user, or the scopes
      // granted) are wrong: retrying cannot help.
      if (err instanceof VendorError && !err.retryable && [400, 401, 403].includes(err.status ?? 0)) {
        throw new VendorError({
          vendor: err.vendor,
          status: err.status,
          code: 'AUTH_FAILED',
          message: `authentication failed${options.subject ? ` for ${options.subject}` : ''}: ${err.message}`,
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
    // Short-lived tokens (test fakes) would otherwise be stale on arrival: keep at least half their life.
    const usableMs = Math.max(lifeMs - (this.options.refreshSkewMs ?? 60_000), lifeMs / 2);
    this.cached = { token, expiresAt: this.now() + usableMs };
    return token;
  }
}
