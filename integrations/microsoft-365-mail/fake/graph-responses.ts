import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';

/** Graph's error body: `{"error": {"code", "message", "innerError": {date, request-id, client-request-id}}}`. */
export function graphErrorBody(code: string, message: string, clientRequestId?: string): unknown {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

export function graphError(status: number, code: string, message: string, req?: FakeRequest): FakeResponse {
  return { status, body: graphErrorBody(code, message, req?.headers['client-request-id']) };
}

/** The code Graph puts on errors the fake makes up itself (unknown routes, bare injected faults). */
export function defaultGraphCode(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'InvalidAuthenticationToken';
    case 403:
      return 'ErrorAccessDenied';
    case 404:
      return 'ResourceNotFound';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return status >= 500 ? 'InternalServerError' : 'UnknownError';
  }
}

/**
 * The Entra token endpoint's error body: `{"error", "error_description": "AADSTS…", "error_codes",
 * "timestamp", "trace_id", "correlation_id"}`; the description ends in trace lines, as the real one.
 */
export function entraError(status: number, error: string, aadsts: number, text: string): FakeResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}

export function formField(req: FakeRequest, name: string): string | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
