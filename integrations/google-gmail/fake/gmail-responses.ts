import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const DEFAULT_REASON: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  429: 'rateLimitExceeded',
};

/** Google's JSON error: `{"error": {"code", "message", "errors": [{message, domain, reason}], "status"}}`. */
export function googleErrorBody(
  code: number,
  message: string,
  reason = DEFAULT_REASON[code] ?? 'backendError',
  options: { domain?: string; status?: string; location?: string } = {},
): unknown {
  const entry: Record<string, string> = { message, domain: options.domain ?? 'global', reason };
  if (options.location) Object.assign(entry, { location: options.location, locationType: 'header' });
  return {
    error: {
      code,
      message,
      errors: [entry],
      status: options.status ?? STATUS_TEXT[code] ?? (code >= 500 ? 'INTERNAL' : 'UNKNOWN'),
    },
  };
}

export function googleError(
  code: number,
  message: string,
  reason?: string,
  options?: { domain?: string; status?: string; location?: string },
): FakeResponse {
  return { status: code, body: googleErrorBody(code, message, reason, options) };
}

export const NOT_FOUND = (): FakeResponse => googleError(404, 'Requested entity was not found.', 'notFound');

export const UNAUTHENTICATED = (): FakeResponse =>
  googleError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'authError',
    { location: 'Authorization' },
  );

export const INSUFFICIENT_SCOPES = (): FakeResponse =>
  googleError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions');

/** The token endpoint's OAuth error: `{"error", "error_description"}`. */
export function oauthError(status: number, error: string, description: string): FakeResponse {
  return { status, body: { error, error_description: description } };
}

export function formField(req: FakeRequest, name: string): string | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
