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
});
