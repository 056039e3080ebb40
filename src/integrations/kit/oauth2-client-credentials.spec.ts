import { RecordingFakeServer } from './fake-server';
import { HttpClient } from './http-client';
import { OAuth2ClientCredentials } from './oauth2-client-credentials';
import { caughtVendorError as caught } from './testing';

/** A token endpoint for the JWT-bearer grant: any assertion but "expired" gets a token. */
class AssertionEndpoint extends RecordingFakeServer {
  issued = 0;
  constructor() {
    super();
    this.route('POST', '/token', (req) => {
      const form = req.body as Record<string, string>;
      if (form.assertion === 'expired')
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT' } };
      return { status: 200, body: { access_token: `t${++this.issued}`, expires_in: 3600 } };
    });
  }
}

describe('OAuth2ClientCredentials with an assertion (JWT bearer)', () => {
  let fake: AssertionEndpoint;
  let http: HttpClient;
  beforeEach(async () => {
    fake = new AssertionEndpoint();
    http = new HttpClient({ vendor: 'Acme', baseUrl: await fake.start() });
  });
  afterEach(() => fake.stop());

  it('signs a fresh assertion for each token request and sends no client secret', async () => {
    let now = 0;
    let signed = 0;
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/token',
      grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: () => `jwt-${++signed}`,
      now: () => now,
    });
    expect(await Promise.all([auth.token(), auth.token()])).toEqual(['t1', 't1']);
    now += 3600_000;
    expect(await auth.token()).toBe('t2');
    expect(fake.calls.map((c) => c.body)).toEqual([
      { assertion: 'jwt-1', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
      { assertion: 'jwt-2', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
    ]);
  });

  it('names the impersonated subject when the endpoint refuses', async () => {
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/token',
      assertion: () => 'expired',
      subject: 'alice@example.com',
    });
    const err = await caught(auth.token());
    expect(err).toMatchObject({ status: 400, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toBe('authentication failed for alice@example.com: Invalid JWT');
  });
});
