import { alertFingerprint } from './fingerprint';

describe('alertFingerprint', () => {
  const base = { source: 'edr', title: 'Mimikatz', observables: [{ type: 'HOSTNAME', value: 'WS-01' }] };

  it('uses the source id when there is one', () => {
    expect(alertFingerprint({ ...base, sourceRef: 'd-1' })).toBe(
      alertFingerprint({ ...base, title: 'other', sourceRef: 'd-1' }),
    );
    expect(alertFingerprint({ ...base, sourceRef: 'd-1' })).not.toBe(
      alertFingerprint({ ...base, sourceRef: 'd-2' }),
    );
  });

  it('otherwise combines source, rule or title, and the entity', () => {
    expect(alertFingerprint(base)).toBe(alertFingerprint({ ...base, title: ' mimikatz ' }));
    expect(alertFingerprint(base)).not.toBe(
      alertFingerprint({ ...base, observables: [{ type: 'HOSTNAME', value: 'WS-02' }] }),
    );
    expect(alertFingerprint({ ...base, rule: 'R1' })).toBe(
      alertFingerprint({ ...base, rule: 'R1', title: 'different words' }),
    );
  });

  it('counts only the configured entity types', () => {
    const withIp = { ...base, observables: [...base.observables, { type: 'IP', value: '203.0.113.7' }] };
    expect(alertFingerprint(withIp)).toBe(alertFingerprint(base));
    expect(alertFingerprint(withIp, ['HOSTNAME', 'IP'])).not.toBe(alertFingerprint(base, ['HOSTNAME', 'IP']));
  });
});
