import type { HttpClient, ParsedVendorError } from './http-client';
import type { ActionContext } from './integration.types';
import { OAuth2ClientCredentials } from './oauth2-client-credentials';
import { perClientCache, secretDigest } from './per-client';
import { endpoint, urlSetting } from './vendor-endpoint';
import { VendorError } from './vendor-error';

/** The vendor name Microsoft adapters (Defender, Entra ID, Graph mail) report errors under. */
export const MICROSOFT = 'Microsoft';
/** The Microsoft identity platform's authority in the public cloud. */
export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';

/** Where a connection signs in: its Entra tenant and the authority (sovereign clouds differ). */
export interface EntraTenant {
  tenantId: string;
  loginUrl: string;
}

/** Reads `tenantId` (required) and `loginUrl` (default: the public cloud) from the settings. */
export function entraTenant(settings: Record<string, unknown>): EntraTenant {
  const tenantId = typeof settings.tenantId === 'string' ? settings.tenantId.trim() : '';
  if (!tenantId) {
    throw new VendorError({
      vendor: MICROSOFT,
      code: 'BAD_CONFIG',
      message: 'the connection has no tenantId',
      retryable: false,
    });
  }
  return { tenantId, loginUrl: urlSetting(settings.loginUrl, DEFAULT_LOGIN_URL, 'loginUrl', MICROSOFT) };
}

/** A resource's `.default` scope: the application permissions an admin consented to. */
export function defaultScope(resourceUrl: string): string {
  return `${new URL(resourceUrl).origin}/.default`;
}

/**
 * Graph and Defender answer `{"error": {"code", "message", "innerError"}}`; the Entra token
 * endpoint answers `{"error": "invalid_client", "error_description": "AADSTS…\r\nTrace ID: …"}`,
 * whose first line carries the AADSTS code and reason (the rest is trace and correlation ids).
 */
export function graphParseError(status: number, body: unknown): ParsedVendorError {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const nested = b?.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  if (nested && typeof nested.message === 'string' && nested.message) {
    return { code: typeof nested.code === 'string' ? nested.code : undefined, message: nested.message };
  }
  if (typeof b?.error === 'string') {
    const description = typeof b.error_description === 'string' ? b.error_description : '';
    return { code: b.error, message: description.split(/\r?\n/)[0]?.trim() || b.error };
  }
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 200) };
  return { message: `HTTP ${status}` };
}

const providers = perClientCache<OAuth2ClientCredentials>();

/**
 * The client-credentials token provider for one app registration (the connection's `clientId`
 * and `clientSecret` secrets) in one tenant, asking the v2.0 token endpoint for `scope`. Kept per
 * platform client, so a token is reused across actions; the sign-in host may differ from the
 * API's (the kit's `endpoint()` picks the client).
 */
export function entraTokenProvider(
  http: HttpClient,
  connection: ActionContext['connection'],
  tenant: EntraTenant,
  scope: string,
): OAuth2ClientCredentials {
  const { clientId, clientSecret } = connection.secrets;
  if (!clientId || !clientSecret) {
    throw new VendorError({
      vendor: MICROSOFT,
      code: 'MISSING_CREDENTIALS',
      message: 'the connection has no clientId/clientSecret',
      retryable: false,
    });
  }
  const key = [connection.id, tenant.tenantId, tenant.loginUrl, scope, clientId, secretDigest(clientSecret)];
  return providers(http, key.join('|'), () => {
    const tokenUrl = `${tenant.loginUrl}/${encodeURIComponent(tenant.tenantId)}/oauth2/v2.0/token`;
    const { client, path } = endpoint(http, tokenUrl, MICROSOFT);
    return new OAuth2ClientCredentials(client, {
      tokenPath: path,
      clientId,
      clientSecret,
      grantType: 'client_credentials',
      extra: { scope },
      parseError: graphParseError,
    });
  });
}
