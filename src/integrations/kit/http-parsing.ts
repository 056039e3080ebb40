/** Reading vendor responses: bodies, error messages and Retry-After. */
import type { ParsedVendorError } from './http-client';

/** Reads the standard `Retry-After` (delay seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(res: Response, now: number): number | undefined {
  const raw = res.headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Finds the message in the error bodies vendors commonly send; falls back to the status line. */
export function defaultParseError(status: number, body: unknown): ParsedVendorError {
  const b = asRecord(body);
  const first = Array.isArray(b?.errors) ? asRecord(b.errors[0]) : undefined;
  const nested = asRecord(b?.error);
  const candidates: Array<[unknown, unknown]> = [
    [first?.message, first?.code],
    [nested?.message, nested?.code],
    [b?.error_description, b?.error], // OAuth2 token endpoints
    [b?.message, b?.code],
    [b?.errorSummary, b?.errorCode], // Okta
  ];
  for (const [message, code] of candidates) {
    if (typeof message === 'string' && message) {
      return {
        message,
        code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
      };
    }
  }
  if (typeof b?.error === 'string') return { message: b.error, code: b.error };
  return { message: `HTTP ${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}` };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function parseBody(text: string, headers: Headers): unknown {
  if (!text) return undefined;
  const type = headers.get('content-type') ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function networkCode(err: unknown): string {
  const cause = asRecord(asRecord(err)?.cause);
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.name : 'network error';
}
