import type {
  HttpResponse,
  OAuth2ClientCredentials,
  ParsedVendorError,
  QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { perClientCache, secretDigest } from '../../src/integrations/kit/per-client';
import { parseServiceAccountKey, serviceAccountTokens, type ServiceAccount } from './service-account';
import { endpoint, urlSetting } from '../../src/integrations/kit/vendor-endpoint';

export const VENDOR = 'Google';
export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const DEFAULT_GMAIL_URL = 'https://gmail.googleapis.com';
/** messages list/get/trash/untrash/modify need gmail.modify; filters.create needs gmail.settings.basic. */
export const DEFAULT_SCOPES =
  'https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.settings.basic';
/** 403 reasons that mean "slow down", not "forbidden". */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export interface GmailSettings {
  tokenUrl: string;
  gmailUrl: string;
  scopes: string;
  mailboxes: unknown;
}

export interface GmailHeader {
  name: string;
  value: string;
}

/** A message as `messages.get` returns it with `format=minimal|metadata`. */
export interface GmailMessage {
  id: string;
  threadId?: string;
  labelIds?: string[];
  snippet?: string;
  internalDate?: string;
  payload?: { headers?: GmailHeader[] };
}

export interface GmailFilter {
  id: string;
  criteria?: Record<string, unknown> & { from?: string };
  action?: { addLabelIds?: string[]; removeLabelIds?: string[]; forward?: string };
}

export function gmailSettings(settings: Record<string, unknown>): GmailSettings {
  const scopes =
    typeof settings.scopes === 'string'
      ? settings.scopes
          .trim()
          .split(/[\s,]+/)
          .join(' ')
      : '';
  return {
    tokenUrl: urlSetting(settings.tokenUrl, DEFAULT_TOKEN_URL, 'tokenUrl', VENDOR),
    gmailUrl: urlSetting(settings.gmailUrl, DEFAULT_GMAIL_URL, 'gmailUrl', VENDOR),
    scopes: scopes || DEFAULT_SCOPES,
    mailboxes: settings.mailboxes,
  };
}

/**
 * Google APIs answer `{"error": {"code", "message", "errors": [{reason, domain, message}], "status"}}`
 * (the first reason is the code); the token endpoint answers `{"error", "error_description"}`.
 */
export function gmailParseError(status: number, body: unknown): ParsedVendorError {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const nested = b?.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  if (nested && typeof nested.message === 'string' && nested.message) {
    const first = Array.isArray(nested.errors)
      ? (nested.errors[0] as Record<string, unknown> | undefined)
      : undefined;
    const reason = typeof first?.reason === 'string' ? first.reason : undefined;
    const code = reason ?? (typeof nested.status === 'string' ? nested.status : undefined);
    return { code, message: nested.message };
  }
  if (typeof b?.error === 'string') {
    const description = typeof b.error_description === 'string' ? b.error_description : '';
    return { code: b.error, message: description || b.error };
  }
  return { message: `HTTP ${status}` };
}

/** One token provider per impersonated mailbox, kept as long as the platform's client. */
const providers = perClientCache<OAuth2ClientCredentials>();

/** Authenticated Gmail API calls for one connection; each mailbox gets its own impersonation token. */
export class GmailClient {
  readonly settings: GmailSettings;
  private readonly account: ServiceAccount;
  private readonly keyDigest: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.settings = gmailSettings(ctx.connection.settings);
    const json = ctx.connection.secrets.serviceAccountKey;
    this.account = parseServiceAccountKey(json, VENDOR);
    this.keyDigest = secretDigest(json ?? '');
  }

  /** The calls for one mailbox (`users/{userId}`), authenticated as that user. */
  mailbox(userId: string): GmailMailbox {
    return new GmailMailbox(this.ctx, this.settings, this.tokens(userId), userId);
  }

  /** A token for the service account itself: proves the key without touching a mailbox. */
  serviceAccountToken(): Promise<string> {
    return this.tokens(undefined).token();
  }

  private tokens(subject: string | undefined): OAuth2ClientCredentials {
    const { http, connection } = this.ctx;
    const s = this.settings;
    const key = [connection.id, s.tokenUrl, s.scopes, this.account.clientEmail, this.keyDigest, subject ?? '']
      .join('|')
      .toLowerCase();
    return providers(http, key, () => {
      const { client, path } = endpoint(http, s.tokenUrl, VENDOR);
      return serviceAccountTokens(client, {
        account: this.account,
        audience: s.tokenUrl,
        tokenPath: path,
        scopes: s.scopes,
        subject,
        parseError: gmailParseError,
      });
    });
  }
}

export class GmailMailbox {
  constructor(
    private readonly ctx: Pick<ActionContext, 'http' | 'signal'>,
    private readonly settings: GmailSettings,
    private readonly auth: OAuth2ClientCredentials,
    readonly userId: string,
  ) {}

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, { query });
  }

  post<T>(path: string, json?: unknown): Promise<HttpResponse<T>> {
    return this.send<T>('POST', path, { json: json ?? {} });
  }

  /** `GET messages/{id}` with just the labels (format=minimal). */
  async labels(messageId: string): Promise<string[]> {
    const res = await this.get<GmailMessage>(`/messages/${enc(messageId)}`, { format: 'minimal' });
    return res.body?.labelIds ?? [];
  }

  private async send<T>(
    method: string,
    path: string,
    req: { query?: Record<string, QueryValue>; json?: unknown },
  ): Promise<HttpResponse<T>> {
    const url = `${this.settings.gmailUrl}/gmail/v1/users/${enc(this.userId)}${path}`;
    const { client, path: relative } = endpoint(this.ctx.http, url, VENDOR);
    let retryAfterMs: number | undefined;
    try {
      return await client.request<T>({
        method,
        path: relative,
        ...req,
        bearer: this.auth,
        signal: this.ctx.signal,
        parseError: (status, body, headers) => {
          retryAfterMs = retryAfterHeader(headers);
          return gmailParseError(status, body);
        },
      });
    } catch (err) {
      // Gmail may say "slow down" with a 403; the shared client only retries 429s, so hand the
      // wait to the caller (Temporal) instead of failing the step for good.
      if (err instanceof VendorError && err.status === 403 && RATE_LIMIT_REASONS.has(err.code ?? '')) {
        throw new VendorError({
          vendor: err.vendor,
          status: err.status,
          code: err.code,
          message: err.message,
          retryable: true,
          retryAfterMs,
        });
      }
      throw err;
    }
  }
}

function retryAfterHeader(headers: Headers): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  return raw && /^\d+(\.\d+)?$/.test(raw) ? Math.round(Number(raw) * 1000) : undefined;
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

export function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}
