import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../config/config';
import { AppError } from '../common/errors/app-error';
import { startOidcProvider, type FakeOidcProvider } from '../../test/support/oidc-provider';
import { LOCAL_ISSUER, LocalTokens } from './local-tokens';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';

/** Against a real (local) provider: an HTTP server publishing a JWKS, tokens signed by jose. */
describe('OidcVerifier', () => {
  let idp: FakeOidcProvider;
  /** Embedded mode keeps its master key here; local tokens derive theirs from it. */
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-oidc-unit-'));

  beforeAll(async () => {
    idp = await startOidcProvider('cordon-unit');
  });

  afterAll(async () => {
    await idp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const withLocal = (env: Record<string, string>) => {
    const config = loadConfig({ CORDON_DATA_DIR: dataDir, ...env });
    const local = new LocalTokens(config);
    return { local, verifier: new OidcVerifier(config, local) };
  };

  const verifier = (env: Record<string, string> = {}, provider = idp) =>
    withLocal({
      CORDON_OIDC_ISSUER: provider.issuer,
      CORDON_OIDC_AUDIENCE: provider.audience,
      CORDON_OIDC_JWKS_URL: provider.jwksUrl,
      ...env,
    }).verifier;

  const refusal = (p: Promise<unknown>): Promise<{ code: string; message: string } | null> =>
    p.then(
      () => null,
      (err: unknown) => {
        if (err instanceof AppError) return { code: err.code, message: err.message };
        throw err;
      },
    );

  it('returns who the token names, from the claims configured for e-mail and name', async () => {
    const token = await idp.token({ sub: 'u-1', upn: 'Dana@Example.com', preferred_username: 'dana' });
    expect(
      await verifier({ CORDON_OIDC_EMAIL_CLAIM: 'upn', CORDON_OIDC_NAME_CLAIM: 'preferred_username' }).verify(
        token,
      ),
    ).toEqual({ issuer: idp.issuer, subject: 'u-1', email: 'Dana@Example.com', name: 'dana' });
    // An address the provider has not verified is not taken: members are added by e-mail.
    expect(
      (
        await verifier().verify(
          await idp.token({ sub: 'u-3', email: 'ceo@example.com', email_verified: false }),
        )
      ).email,
    ).toBeNull();
    // Claims that are missing, empty or not text are simply unknown.
    expect(await verifier().verify(await idp.token({ sub: 'u-2', email: '', name: 42 }))).toEqual({
      issuer: idp.issuer,
      subject: 'u-2',
      email: null,
      name: null,
    });
  });

  it('refuses a token without a subject', async () => {
    expect(await refusal(verifier().verify(await idp.token({ email: 'x@example.com' })))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the token is not valid for this server',
    });
  });

  it('accepts no token at all when no provider is configured', async () => {
    const keysOnly = withLocal({ CORDON_LOCAL_TOKENS: '0' }).verifier;
    expect(keysOnly.issuer).toBeUndefined();
    expect(await refusal(keysOnly.verify(await idp.token({ sub: 'u-1' })))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'this server accepts API keys only: no identity provider is set up',
    });
  });

  it('fetches the JWKS again for an unknown key id only after the cool-down', async () => {
    const other = await startOidcProvider('cordon-unit');
    try {
      const patient = verifier({}, other);
      const first = await other.token({ sub: 'u-1' });
      await patient.verify(first);
      expect(other.jwksFetches()).toBe(1);
      await other.rotate();
      // Within the default 30 s cool-down the new key is not fetched: a flood of made-up key ids
      // costs the provider one request per cool-down, not one per token.
      expect((await refusal(patient.verify(await other.token({ sub: 'u-1' }))))?.code).toBe(
        'UNAUTHENTICATED',
      );
      expect(other.jwksFetches()).toBe(1);
      // Without a cool-down the rotated key is fetched the moment a token names it.
      const eager = verifier({ CORDON_OIDC_JWKS_COOLDOWN_SECONDS: '0' }, other);
      await eager.verify(await other.token({ sub: 'u-1' }));
      await other.rotate();
      expect((await eager.verify(await other.token({ sub: 'u-1' }))).subject).toBe('u-1');
      expect(other.jwksFetches()).toBe(3);
    } finally {
      await other.stop();
    }
  });

  it('answers UNAVAILABLE, not UNAUTHENTICATED, when the provider cannot be reached', async () => {
    const gone = await startOidcProvider('cordon-unit');
    const token = await gone.token({ sub: 'u-1' });
    await gone.stop();
    const answer = await refusal(verifier({}, gone).verify(token));
    expect(answer).toEqual({
      code: 'UNAVAILABLE',
      message: 'the identity provider cannot be reached to check the token; retry',
    });
  });

  it('verifies embedded mode’s own HS256 tokens, and only while they are on', async () => {
    const { local, verifier: embedded } = withLocal({});
    expect(embedded.issuer).toBe(LOCAL_ISSUER);
    const { token } = await local.issue({ subject: 'lee', email: 'lee@local', name: 'Lee', minutes: 5 });
    expect(await embedded.verify(token)).toEqual({
      issuer: LOCAL_ISSUER,
      subject: 'lee',
      email: 'lee@local',
      name: 'Lee',
    });
    // Signed with another key, or by the provider's rules when local tokens are off: refused.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience('cordon')
      .setSubject('lee')
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    expect((await refusal(embedded.verify(forged)))?.code).toBe('UNAUTHENTICATED');
    expect(await refusal(verifier({ CORDON_LOCAL_TOKENS: '0' }).verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the token is not valid for this server',
    });
    // With a provider configured too, each kind of token verifies by its own rules.
    const both = verifier();
    expect((await both.verify(await idp.token({ sub: 'u-1' }))).issuer).toBe(idp.issuer);
    expect((await both.verify(token)).issuer).toBe(LOCAL_ISSUER);
  });

  it('tells a JWT from an API key by its shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.')).toBe(true);
    expect(looksLikeJwt('cdn_0123456789abcdefghijABCDEFGHIJ_-xyz')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });
});
