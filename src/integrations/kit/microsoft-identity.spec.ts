import { RecordingFakeServer } from './fake-server';
import { HttpClient } from './http-client';
import type { ActionContext } from './integration.types';
import {
  DEFAULT_LOGIN_URL,
  defaultScope,
  entraTenant,
  entraTokenProvider,
  graphParseError,
} from './microsoft-identity';
import { caughtVendorError as caught } from './testing';

/** The v2.0 token endpoint of one tenant: client credentials only, AADSTS errors as Entra words them. */
class EntraLogin extends RecordingFakeServer {
  secret = 'right';
  issued = 0;
  constructor() {
    super();
    this.route('POST', '/:tenant/oauth2/v2.0/token', (req) => {
      const form = req.body as Record<string, string>;
      if (form.client_secret !== this.secret) {
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description:
              'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2',
          },
        };
      }
      return { status: 200, body: { access_token: `t${++this.issued}`, expires_in: 3599 } };
    });
  }
}

describe('microsoft identity', () => {
  let login: EntraLogin;
  let loginUrl: string;
  beforeEach(async () => {
    login = new EntraLogin();
    loginUrl = await login.start();
  });
  afterEach(() => login.stop());

  const connection = (secrets: Record<string, string> = { clientId: 'app', clientSecret: 'right' }) => ({
    id: 'conn-1',
    baseUrl: 'http://api.invalid',
    settings: { tenantId: 'contoso.onmicrosoft.com', loginUrl },
    secrets,
  });
  const scope = defaultScope('https://graph.microsoft.com/v1.0');

  it('asks the tenant’s v2.0 endpoint for the resource’s .default scope, on the sign-in host', async () => {
    // The platform's client points at the API; the token request goes to a sibling for the login host.
    const http = new HttpClient({ vendor: 'Microsoft', baseUrl: 'http://api.invalid' });
    const conn = connection();
    const auth = entraTokenProvider(http, conn, entraTenant(conn.settings), scope);
    expect(await auth.token()).toBe('t1');
    expect(login.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/contoso.onmicrosoft.com/oauth2/v2.0/token',
        body: {
          client_id: 'app',
          client_secret: 'right',
          scope: 'https://graph.microsoft.com/.default',
          grant_type: 'client_credentials',
        },
      }),
    ]);
  });

  it('keeps one provider per client, tenant, scope and secret, so a rotated secret gets a new token', async () => {
    const http = new HttpClient({ vendor: 'Microsoft', baseUrl: loginUrl });
    const conn = connection();
    const tenant = entraTenant(conn.settings);
    const auth = entraTokenProvider(http, conn, tenant, scope);
    expect(entraTokenProvider(http, connection(), tenant, scope)).toBe(auth);
    expect(
      entraTokenProvider(http, conn, tenant, 'https://api.securitycenter.microsoft.com/.default'),
    ).not.toBe(auth);
    const rotated = connection({ clientId: 'app', clientSecret: 'new' });
    expect(entraTokenProvider(http, rotated, tenant, scope)).not.toBe(auth);
  });

  it('reports a refused secret with the AADSTS line only, for good', async () => {
    login.secret = 'other';
    const http = new HttpClient({ vendor: 'Microsoft', baseUrl: loginUrl });
    const conn = connection();
    const err = await caught(entraTokenProvider(http, conn, entraTenant(conn.settings), scope).token());
    expect(err).toMatchObject({ status: 401, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toBe('authentication failed: AADSTS7000215: Invalid client secret provided.');
    expect(err.message).not.toContain('right');
  });

  it('refuses a connection without credentials or tenant before any call', async () => {
    const http = new HttpClient({ vendor: 'Microsoft', baseUrl: loginUrl });
    const conn: ActionContext['connection'] = connection({ clientId: 'app' });
    expect(() => entraTokenProvider(http, conn, entraTenant(conn.settings), scope)).toThrow(
      expect.objectContaining({ code: 'MISSING_CREDENTIALS', retryable: false }),
    );
    expect(() => entraTenant({})).toThrow(expect.objectContaining({ code: 'BAD_CONFIG' }));
    expect(() => entraTenant({ tenantId: 't', loginUrl: 'ftp://x' })).toThrow(
      /loginUrl must be an http\(s\) URL/,
    );
    expect(entraTenant({ tenantId: ' t ' })).toEqual({ tenantId: 't', loginUrl: DEFAULT_LOGIN_URL });
    expect(login.calls).toHaveLength(0);
  });
});

describe('graphParseError', () => {
  it.each([
    [
      'Graph’s error object',
      403,
      { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
      { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' },
    ],
    [
      'the token endpoint’s AADSTS description (first line)',
      400,
      { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.\r\nTrace ID: x' },
      { code: 'invalid_request', message: 'AADSTS90002: Tenant not found.' },
    ],
    [
      'a bare OAuth2 error',
      400,
      { error: 'invalid_scope' },
      { code: 'invalid_scope', message: 'invalid_scope' },
    ],
    ['a text body', 502, ' Bad gateway ', { message: 'Bad gateway' }],
    ['nothing useful', 500, { error: { code: 'x', message: '' } }, { message: 'HTTP 500' }],
  ])('reads %s', (_what, status, body, parsed) => {
    expect(graphParseError(status, body)).toEqual(parsed);
  });
});
