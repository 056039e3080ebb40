import type { AlertInput } from '../src/alerts/dto/alert.input';

/** A deterministic stream of realistic alerts: hosts, users, IPs, hashes, domains; a share repeat. */
export function* generateAlerts(n: number, duplicateShare: number, seed = 42): Generator<AlertInput> {
  let state = seed >>> 0;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
  const rules = [
    'Credential dumping',
    'Suspicious PowerShell',
    'Ransomware note',
    'C2 beacon',
    'Phishing link clicked',
    'Lateral movement',
  ];
  const techniques = ['T1003', 'T1059.001', 'T1486', 'T1071', 'T1566.002', 'T1021.002'];
  const emitted: AlertInput[] = [];
  for (let i = 0; i < n; i++) {
    if (emitted.length && rand() < duplicateShare) {
      yield pick(emitted);
      continue;
    }
    const r = Math.floor(rand() * rules.length);
    const host = `WS-${String(Math.floor(rand() * 5000)).padStart(4, '0')}`;
    const hex = (len: number) =>
      Array.from({ length: len }, () => Math.floor(rand() * 16).toString(16)).join('');
    const alert: AlertInput = {
      source: pick(['crowdstrike', 'defender', 'sentinelone']),
      sourceRef: `bench-${seed}-${i}`,
      title: `${rules[r]} on ${host}`,
      description: `Detection ${i}: ${rules[r]} observed on ${host}.`,
      severity: pick(severities),
      techniques: [techniques[r]],
      observables: [
        { type: 'HOSTNAME', value: host },
        { type: 'USER', value: `CORP\\user${Math.floor(rand() * 2000)}` },
        { type: 'IP', value: `198.51.100.${Math.floor(rand() * 254) + 1}` },
        { type: 'FILE_HASH', value: hex(64) },
        ...(rand() < 0.5
          ? [{ type: 'DOMAIN' as const, value: `c2-${Math.floor(rand() * 300)}.example.net` }]
          : []),
      ],
      raw: { id: i, vendor_payload: { score: Math.floor(rand() * 100) } },
    };
    emitted.push(alert);
    yield alert;
  }
}
