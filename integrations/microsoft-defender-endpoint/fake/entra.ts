import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';

/** Resources (v1) and `{resource}/.default` scopes (v2) that Entra maps to the Defender API. */
export const DEFENDER_RESOURCES = [
  'https://api.securitycenter.microsoft.com',
  'https://api.security.microsoft.com',
  'https://securitycenter.onmicrosoft.com/windowsatpservice',
];

export interface EntraApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  now: () => number;
}

/**
 * The slice of Microsoft Entra's token endpoint the fake needs: client credentials for one app
 * in one tenant, v1 (`resource`) and v2 (`scope`), with Entra's error shapes and AADSTS codes.
 */
export class EntraTokenIssuer {
  private readonly tokens = new Map<string, { expiresAt: number; appId: string }>();

  constructor(private readonly app: EntraApp) {}

  /** `POST /{tenant}/oauth2/token` (v1) and `POST /{tenant}/oauth2/v2.0/token` (v2). */
  issue(req: FakeRequest, version: 'v1' | 'v2'): FakeResponse {
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const tenant = req.params.tenant ?? '';
    if (tenant !== this.app.tenantId) {
      return entraError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (form.grant_type !== 'client_credentials')
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.client_id !== this.app.clientId) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${String(form.client_id)}' was not found in the directory '${tenant}'.`,
      );
    }
    if (form.client_secret !== this.app.clientSecret) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
    const scope = typeof form.scope === 'string' ? form.scope : '';
    const audience =
      version === 'v2'
        ? scope.replace(/\/\.default$/, '')
        : typeof form.resource === 'string'
          ? form.resource
          : '';
    if ((version === 'v2' && !scope.endsWith('/.default')) || !DEFENDER_RESOURCES.includes(audience)) {
      const parameter = version === 'v2' ? 'scope' : 'resource';
      return entraError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter '${parameter}' is not valid.`,
      );
    }
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, {
      expiresAt: this.app.now() + this.app.tokenTtlSeconds * 1000,
      appId: this.app.clientId,
    });
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      expires_in: this.app.tokenTtlSeconds,
      ext_expires_in: this.app.tokenTtlSeconds,
      access_token: token,
    };
    if (version === 'v1') body.resource = audience;
    return { status: 200, body };
  }

  /** The app a live bearer token was issued to, or undefined. */
  verify(authorization: string | undefined): string | undefined {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    return issued && issued.expiresAt > this.app.now() ? issued.appId : undefined;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}

/** Entra's token endpoint error: an OAuth2 error plus the AADSTS code and trace ids. */
function entraError(status: number, error: string, aadsts: number, reason: string): FakeResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${reason}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}
