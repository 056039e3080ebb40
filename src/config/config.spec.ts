import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to embedded mode with nothing set', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('embedded');
    expect(c.port).toBe(3000);
    expect(c.database.url).toBeUndefined();
    expect(c.temporal.namespace).toBe('default');
  });

  it('names every wrong setting at once', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CORDON_MASTER_KEY: 'short' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CORDON_MASTER_KEY: 'short' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
      expect((err as Error).message).toMatch(/CORDON_MASTER_KEY/);
    }
  });

  it('requires real services outside embedded mode', () => {
    expect(() => loadConfig({}, 'api')).toThrow(
      /DATABASE_URL is required in api mode[\s\S]*TEMPORAL_ADDRESS is required/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db', TEMPORAL_ADDRESS: 'h:7233' }, 'worker').mode).toBe(
      'worker',
    );
  });

  it('reads CORDON_MASTER_KEY_PREVIOUS as comma-separated keys, naming the bad one', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    expect(loadConfig({}).masterKeyPrevious).toEqual([]);
    expect(loadConfig({ CORDON_MASTER_KEY_PREVIOUS: ` ${k1}, ${k2},` }).masterKeyPrevious).toEqual([k1, k2]);
    expect(() => loadConfig({ CORDON_MASTER_KEY_PREVIOUS: `${k1},${k2.slice(0, 20)}` })).toThrow(
      'CORDON_MASTER_KEY_PREVIOUS: key 2 of 2 must be 32 bytes, base64-encoded',
    );
    // Buffer.from would quietly skip the stray characters and find 32 bytes.
    expect(() => loadConfig({ CORDON_MASTER_KEY: `${k1.slice(0, 20)}!!${k1.slice(20)}` })).toThrow(
      /CORDON_MASTER_KEY must be 32 bytes/,
    );
  });

  it('reads the metrics and tracing settings: open scrape, no tracing by default', () => {
    const c = loadConfig({});
    expect(c.metrics).toEqual({ token: undefined, port: 9464 });
    expect(c.tracesUrl).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    // The signal's own variable wins and is taken as given.
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces',
      }).tracesUrl,
    ).toBe('http://b:4318/traces');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ CORDON_METRICS_TOKEN: 'short' })).toThrow(/CORDON_METRICS_TOKEN/);
    expect(() => loadConfig({ CORDON_METRICS_PORT: '70000' })).toThrow(/CORDON_METRICS_PORT/);
  });

  it('refuses a bootstrap key that is too short to be a secret', () => {
    expect(() => loadConfig({ CORDON_BOOTSTRAP_API_KEY: 'admin' })).toThrow(/CORDON_BOOTSTRAP_API_KEY/);
  });
  it('reads the security settings, strict by default', () => {
    const c = loadConfig({});
    expect(c.security.production).toBe(false);
    expect(c.security.outbound).toEqual({ allowPrivate: false, allowlist: [] });
    const p = loadConfig({
      NODE_ENV: 'production',
      CORDON_ALLOW_PRIVATE_CONNECTIONS: '1',
      CORDON_CONNECTION_ALLOWLIST: '*.CrowdStrike.com, 10.0.0.0/8',
      CORDON_RATE_LIMIT_MUTATIONS: '0',
    });
    expect(p.security.production).toBe(true);
    expect(p.security.outbound).toEqual({
      allowPrivate: true,
      allowlist: ['*.crowdstrike.com', '10.0.0.0/8'],
    });
    expect(p.security.rateLimits.mutations).toBe(0);
    expect(p.security.trustProxy).toBeUndefined();
    expect(loadConfig({ CORDON_TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
    expect(loadConfig({ CORDON_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).security.trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
    expect(() => loadConfig({ CORDON_ALLOW_PRIVATE_CONNECTIONS: 'yes' })).toThrow(
      /CORDON_ALLOW_PRIVATE_CONNECTIONS/,
    );
  });

  it('takes an owner URL for migrations only beside DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'postgres://owner@h/db' })).toThrow(/needs DATABASE_URL/);
    const c = loadConfig({
      DATABASE_URL: 'postgres://app@h/db',
      DATABASE_OWNER_URL: 'postgres://owner@h/db',
    });
    expect(c.database.ownerUrl).toBe('postgres://owner@h/db');
  });

  describe('OIDC', () => {
    const core = {
      CORDON_OIDC_ISSUER: 'https://login.example.com/tenant/v2.0',
      CORDON_OIDC_AUDIENCE: 'cordon',
      CORDON_OIDC_JWKS_URL: 'https://login.example.com/tenant/keys',
    };

    it('is off without settings, and on with all three, with safe defaults', () => {
      expect(loadConfig({}).oidc).toBeUndefined();
      expect(loadConfig(core).oidc).toEqual({
        issuer: core.CORDON_OIDC_ISSUER,
        audience: 'cordon',
        jwksUrl: core.CORDON_OIDC_JWKS_URL,
        algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        emailClaim: 'email',
        nameClaim: 'name',
        jwksCooldownSeconds: 30,
      });
      const custom = loadConfig({
        ...core,
        CORDON_OIDC_EMAIL_CLAIM: 'upn',
        CORDON_OIDC_NAME_CLAIM: 'preferred_username',
        CORDON_OIDC_ALGORITHMS: 'ES384, RS512',
      }).oidc;
      expect(custom).toMatchObject({
        emailClaim: 'upn',
        nameClaim: 'preferred_username',
        algorithms: ['ES384', 'RS512'],
      });
    });

    it('signs local tokens in embedded mode only', () => {
      expect(loadConfig({}).localTokens).toBe(true);
      expect(loadConfig({ CORDON_LOCAL_TOKENS: '0' }).localTokens).toBe(false);
      const server = { DATABASE_URL: 'postgres://h/db', TEMPORAL_ADDRESS: 'h:7233' };
      expect(loadConfig(server, 'api').localTokens).toBe(false);
      expect(() => loadConfig({ ...server, CORDON_LOCAL_TOKENS: '1' }, 'api')).toThrow(
        'CORDON_LOCAL_TOKENS is for embedded mode only, not api: use an OIDC provider',
      );
    });

    it('names the settings missing when only some are given', () => {
      expect(() => loadConfig({ CORDON_OIDC_ISSUER: core.CORDON_OIDC_ISSUER })).toThrow(
        'CORDON_OIDC_AUDIENCE, CORDON_OIDC_JWKS_URL must be set too: the OIDC settings go together (or none)',
      );
      expect(() => loadConfig({ CORDON_OIDC_NAME_CLAIM: 'nick' })).toThrow(
        'CORDON_OIDC_NAME_CLAIM set without CORDON_OIDC_ISSUER, CORDON_OIDC_AUDIENCE and CORDON_OIDC_JWKS_URL',
      );
    });

    it('refuses URLs that are not http(s), shared-secret algorithms and odd claim names', () => {
      const problems = (extra: Record<string, string>) => {
        try {
          loadConfig({ ...core, ...extra });
          return '';
        } catch (err) {
          return (err as Error).message;
        }
      };
      expect(problems({ CORDON_OIDC_JWKS_URL: 'file:///etc/keys' })).toMatch(
        /CORDON_OIDC_JWKS_URL must be an http\(s\) URL, got "file:\/\/\/etc\/keys"/,
      );
      expect(problems({ CORDON_OIDC_ISSUER: 'login' })).toMatch(
        /CORDON_OIDC_ISSUER must be an http\(s\) URL/,
      );
      expect(problems({ CORDON_OIDC_ALGORITHMS: 'RS256,HS256' })).toMatch(
        /CORDON_OIDC_ALGORITHMS may list only RS256, .*EdDSA, got "RS256,HS256"/,
      );
      expect(problems({ CORDON_OIDC_ALGORITHMS: 'none' })).toMatch(/CORDON_OIDC_ALGORITHMS/);
      expect(problems({ CORDON_OIDC_EMAIL_CLAIM: 'e mail' })).toMatch(
        /CORDON_OIDC_EMAIL_CLAIM must be a claim name/,
      );
      expect(problems({ CORDON_OIDC_JWKS_COOLDOWN_SECONDS: '-1' })).toMatch(
        /CORDON_OIDC_JWKS_COOLDOWN_SECONDS/,
      );
    });
  });

  it('reads previous master keys (decrypt-only) and codec CORS origins, naming a bad one', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const c = loadConfig({
      CORDON_MASTER_KEY_PREVIOUS: `${k1}, ${k2}`,
      CORDON_CODEC_CORS_ORIGINS: 'https://temporal.example.com/, http://localhost:8233',
    });
    expect(c.masterKeyPrevious).toEqual([k1, k2]);
    expect(c.codecCorsOrigins).toEqual(['https://temporal.example.com', 'http://localhost:8233']);
    expect(loadConfig({}).masterKeyPrevious).toEqual([]);
    expect(() => loadConfig({ CORDON_MASTER_KEY_PREVIOUS: `${k1},short` })).toThrow(
      /CORDON_MASTER_KEY_PREVIOUS: key 2 of 2 must be 32 bytes/,
    );
    expect(() => loadConfig({ CORDON_CODEC_CORS_ORIGINS: 'temporal.example.com' })).toThrow(
      /CORDON_CODEC_CORS_ORIGINS: "temporal.example.com"/,
    );
  });
});
