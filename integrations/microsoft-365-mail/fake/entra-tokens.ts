import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';
import { entraError, formField, graphError } from './graph-responses';

export interface EntraTokensOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  now: () => number;
}

/**
 * The fake's Entra ID: `POST /{tenant}/oauth2/v2.0/token` for the client-credentials grant, and
 * the bearer check Graph makes on every call. Tokens are opaque here; Graph only needs them live.
 */
export class EntraTokens {
  private readonly issued = new Map<string, number>();

  constructor(private readonly options: EntraTokensOptions) {}

  /** Answers a token request as Entra does, AADSTS errors included. */
  issue(req: FakeRequest): FakeResponse {
    const { tenantId, clientId, clientSecret, ttlSeconds, now } = this.options;
    const tenant = req.params.tenant;
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
      return entraError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (formField(req, 'grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const givenId = formField(req, 'client_id') ?? '';
    if (givenId !== clientId) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${givenId}' was not found in the directory '${tenantId}'.`,
      );
    }
    if (formField(req, 'client_secret') !== clientSecret) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
    const scope = formField(req, 'scope') ?? '';
    if (!/^https?:\/\/[^ ]+\/\.default$/.test(scope)) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(32).toString('base64url')}`;
    this.issued.set(token, now() + ttlSeconds * 1000);
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: ttlSeconds, ext_expires_in: ttlSeconds, access_token: token },
    };
  }

  /** Graph's 401 for a missing, unknown or expired bearer token; undefined when it is good. */
  refusal(req: FakeRequest): FakeResponse | undefined {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const refuse = (message: string) => graphError(401, 'InvalidAuthenticationToken', message, req);
    if (!token) return refuse('Access token is empty.');
    const expiresAt = this.issued.get(token);
    if (expiresAt === undefined) return refuse('Access token validation failure.');
    if (expiresAt <= this.options.now()) return refuse('Lifetime validation failed, the token is expired.');
    return undefined;
  }

  expireAll(): void {
    this.issued.clear();
  }
}
