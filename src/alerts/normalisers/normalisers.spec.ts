import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseObservable } from '../observables';
import { crowdstrikeNormaliser } from './crowdstrike.normaliser';
import { NORMALISERS, NormaliseError, normaliserFor } from './index';

const FIXTURES = join(__dirname, '../../../test/fixtures/alerts');
const fixture = (source: string, name: string): any =>
  JSON.parse(readFileSync(join(FIXTURES, source, name), 'utf8'));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const everyFixture = Object.keys(NORMALISERS).flatMap((source) =>
  readdirSync(join(FIXTURES, source)).map((name) => [source, name] as const),
);

describe('NORMALISERS', () => {
  it('is keyed by source id', () => {
    expect(Object.keys(NORMALISERS)).toStrictEqual(['crowdstrike', 'defender', 'sentinelone', 'ocsf']);
    for (const [key, normaliser] of Object.entries(NORMALISERS)) {
      expect(normaliser.source).toBe(key);
      expect(normaliser.vendor).not.toHaveLength(0);
      expect(normaliser.description).not.toHaveLength(0);
    }
  });

  it('finds a normaliser by source id, and nothing for other names', () => {
    expect(normaliserFor('crowdstrike')).toBe(crowdstrikeNormaliser);
    expect(normaliserFor('splunk')).toBeUndefined();
    expect(normaliserFor('constructor')).toBeUndefined();
    expect(normaliserFor('__proto__')).toBeUndefined();
  });

  it('has a fixture for every source', () => {
    expect(new Set(everyFixture.map(([source]) => source)).size).toBe(4);
  });

  it.each(everyFixture)('%s/%s: leaves the payload untouched and emits canonical values', (source, name) => {
    const payload = deepFreeze(fixture(source, name));
    const alerts = normaliserFor(source)!.normalise(payload);
    expect(payload).toStrictEqual(fixture(source, name));
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(alert.source).toBe(source);
      expect(alert.detectedAt.getTime()).not.toBeNaN();
      expect(new Set(alert.techniques).size).toBe(alert.techniques.length);
      for (const technique of alert.techniques) expect(technique).toMatch(/^T\d{4}(\.\d{3})?$/);
      const keys = alert.observables.map((o) => `${o.type}:${o.value}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const o of alert.observables) expect(normaliseObservable(o.type, o.value)).toBe(o.value);
    }
  });
});

describe('bounds', () => {
  const alert = () => fixture('crowdstrike', 'alert-v2.json');

  it('clips a long title to 512 characters and a long description to 65,536, ending in an ellipsis', () => {
    const [result] = crowdstrikeNormaliser.normalise({
      ...alert(),
      display_name: 'x'.repeat(600),
      description: 'y'.repeat(70_000),
    });
    expect(result.title).toBe(`${'x'.repeat(511)}…`);
    expect(result.description).toBe(`${'y'.repeat(65_535)}…`);
  });

  it('clips a long command line but drops an over-long URL rather than alter the indicator', () => {
    const [result] = crowdstrikeNormaliser.normalise({
      ...alert(),
      cmdline: `cmd.exe /c ${'a'.repeat(3000)}`,
    });
    const commandLine = result.observables.find((o) => o.value.startsWith('cmd.exe /c '));
    expect(commandLine?.value).toHaveLength(2048);
    expect(commandLine?.value.endsWith('…')).toBe(true);

    const url = `https://dl.example.net/${'b'.repeat(3000)}`;
    const evidence = [{ '@odata.type': '#microsoft.graph.security.urlEvidence', url }];
    const [defender] = NORMALISERS.defender.normalise({ ...fixture('defender', 'alert-v2.json'), evidence });
    expect(defender.observables).toStrictEqual([]);
  });

  it('rejects a sourceRef longer than 256 characters', () => {
    expect(() => crowdstrikeNormaliser.normalise({ ...alert(), composite_id: 'c'.repeat(257) })).toThrow(
      new NormaliseError('composite_id', 'composite_id: longer than 256 characters'),
    );
  });
});

describe('HOST_ID', () => {
  it("keeps each source's own id for the endpoint, the handle its API acts on", () => {
    const device = { '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: 'ws-1' };
    const [defender] = NORMALISERS.defender.normalise({
      ...fixture('defender', 'alert-v2.json'),
      evidence: [{ ...device, mdatpDeviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' }],
    });
    expect(defender.observables).toContainEqual({
      type: 'HOST_ID',
      value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    });
    const finding = fixture('ocsf', 'detection-finding.json');
    const [ocsf] = NORMALISERS.ocsf.normalise({ ...finding, device: { ...finding.device, uid: 'dev-42' } });
    expect(ocsf.observables).toContainEqual({ type: 'HOST_ID', value: 'dev-42' });
  });

  it('skips an id field that holds a display name rather than an id', () => {
    const [alert] = crowdstrikeNormaliser.normalise({
      ...fixture('crowdstrike', 'alert-v2.json'),
      device: { hostname: 'FIN-WKS-042', device_id: 'FIN WKS 042' },
    });
    expect(alert.observables.filter((o) => o.type === 'HOST_ID')).toStrictEqual([]);
  });
});
