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

  it('refuses a bootstrap key that is too short to be a secret', () => {
    expect(() => loadConfig({ CORDON_BOOTSTRAP_API_KEY: 'admin' })).toThrow(/CORDON_BOOTSTRAP_API_KEY/);
  });
});
