import { sentineloneNormaliser } from './sentinelone.normaliser';
import { errorOf, fixtureLoader } from './testing';

const fixture = fixtureLoader('sentinelone');
const normalise = (payload: unknown) => sentineloneNormaliser.normalise(payload);

describe('sentineloneNormaliser', () => {
  it('reads one threat', () => {
    const payload = fixture('threat.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'sentinelone',
        sourceRef: '1907702219846622723',
        title: 'invoice_viewer.exe',
        description: [
          'Classification: Trojan',
          'Confidence: malicious',
          'File: \\Device\\HarddiskVolume3\\Users\\m.jones\\Downloads\\invoice_viewer.exe',
          'Mitigation status: mitigated',
        ].join('\n'),
        severity: 'HIGH',
        detectedAt: new Date('2025-03-14T13:02:18.904Z'),
        techniques: ['T1547.001', 'T1059.001', 'T1027'],
        observables: [
          { type: 'HOSTNAME', value: 'ENG-LAPTOP-07' },
          { type: 'HOST_ID', value: '1907645623187561209' },
          { type: 'IP', value: '203.0.113.88' },
          { type: 'IP', value: '192.0.2.77' },
          { type: 'USER', value: 'm.jones' },
          { type: 'USER', value: 'CORP\\m.jones' },
          { type: 'PROCESS', value: 'explorer.exe' },
          { type: 'FILE_HASH', value: 'ee37c01b9dc9198025ea5e736c23ef85115a17d6' },
        ],
        raw: payload,
      },
    ]);
  });

  it('reads the { data: [...] } list response', () => {
    const payload = fixture('threats-list.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'sentinelone',
        sourceRef: '1907733410928874512',
        title: 'netscan.exe',
        description: [
          'Classification: Hacktool',
          'Confidence: suspicious',
          'File: \\Device\\HarddiskVolume3\\Tools\\netscan\\netscan.exe',
          'Mitigation status: not_mitigated',
        ].join('\n'),
        severity: 'MEDIUM',
        detectedAt: new Date('2025-03-14T14:04:21.550Z'),
        techniques: ['T1135'], // older payloads put the id in techniques[].name
        observables: [
          { type: 'HOSTNAME', value: 'ENG-LAPTOP-07' },
          { type: 'HOST_ID', value: '1907645623187561209' },
          { type: 'IP', value: '203.0.113.88' },
          { type: 'IP', value: '192.0.2.77' },
          { type: 'USER', value: 'm.jones' },
          { type: 'USER', value: 'CORP\\m.jones' },
          { type: 'PROCESS', value: 'cmd.exe' },
          { type: 'FILE_HASH', value: 'ab22d638646cd95f42f985451e33d6a787d58d418b32ebf9aafdf3cccddd1cf4' },
          { type: 'FILE_HASH', value: 'c20a744d41678f53dad72a3871207458609e0bf6' },
          { type: 'FILE_HASH', value: 'ad9afa6ebab17a2cfffb1adbe7d4acc7' },
        ],
        raw: payload.data[0],
      },
      {
        source: 'sentinelone',
        sourceRef: '1907741028377300990',
        title: 'svch0st.exe',
        description: [
          'Classification: Ransomware',
          'Confidence: malicious',
          'File: \\Device\\HarddiskVolume3\\Users\\j.doe\\AppData\\Roaming\\svch0st.exe',
          'Mitigation status: not_mitigated',
        ].join('\n'),
        severity: 'CRITICAL', // malicious and still not mitigated
        detectedAt: new Date('2025-03-14T14:19:29.402Z'),
        techniques: [],
        observables: [
          { type: 'HOSTNAME', value: 'FIN-WKS-042' },
          { type: 'HOST_ID', value: '1907645623187561209' },
          { type: 'IP', value: '203.0.113.24' },
          { type: 'IP', value: '192.0.2.41' },
          { type: 'USER', value: 'j.doe' },
          { type: 'USER', value: 'CORP\\j.doe' },
          { type: 'PROCESS', value: 'svch0st.exe' },
          { type: 'FILE_HASH', value: 'f6738399c02bccc5851188c056b7f09d3de1591e' },
        ],
        raw: payload.data[1],
      },
    ]);
  });

  it.each([
    ['malicious', 'mitigated', 'HIGH'],
    ['malicious', 'not_mitigated', 'CRITICAL'],
    ['suspicious', 'mitigated', 'MEDIUM'],
    ['suspicious', 'not_mitigated', 'MEDIUM'],
    ['n/a', 'not_mitigated', 'LOW'],
  ])('maps confidence %s with mitigation %s to %s', (confidenceLevel, mitigationStatus, severity) => {
    const payload = fixture('threat.json');
    payload.threatInfo = { ...payload.threatInfo, confidenceLevel, mitigationStatus };
    expect(normalise(payload)[0].severity).toBe(severity);
  });

  it('falls back to createdAt when identifiedAt is missing', () => {
    const payload = fixture('threat.json');
    delete payload.threatInfo.identifiedAt;
    expect(normalise(payload)[0].detectedAt).toStrictEqual(new Date('2025-03-14T13:02:19.667Z'));
  });

  const threat = () => fixture('threat.json');
  const withInfo = (info: Record<string, unknown>) => ({
    ...threat(),
    threatInfo: { ...threat().threatInfo, ...info },
  });
  it.each<[string, () => unknown, string, string]>([
    ['not an object', () => [1], '[0]', '[0]: expected an object, got number 1'],
    ['a missing id', () => ({ ...threat(), id: null }), 'id', 'id: required'],
    // SentinelOne ids exceed 2^53, which is why the API sends them as strings.
    [
      'an id of the wrong type',
      () => ({ ...threat(), id: 1907702219 }),
      'id',
      'id: expected a string, got number 1907702219',
    ],
    [
      'a missing threatInfo',
      () => ({ ...threat(), threatInfo: undefined }),
      'threatInfo',
      'threatInfo: required',
    ],
    [
      'a missing threatName',
      () => withInfo({ threatName: null }),
      'threatInfo.threatName',
      'threatInfo.threatName: required',
    ],
    [
      'an unknown confidenceLevel',
      () => withInfo({ confidenceLevel: 'high' }),
      'threatInfo.confidenceLevel',
      'threatInfo.confidenceLevel: unknown value "high" (expected one of: malicious, suspicious, n/a)',
    ],
    [
      'a missing confidenceLevel',
      () => withInfo({ confidenceLevel: undefined }),
      'threatInfo.confidenceLevel',
      'threatInfo.confidenceLevel: required',
    ],
    [
      'a hash of the wrong type inside the envelope',
      () => ({ data: [withInfo({ sha1: 5 })] }),
      'data[0].threatInfo.sha1',
      'data[0].threatInfo.sha1: expected a string, got number 5',
    ],
    [
      'techniques that are no array',
      () => ({ ...threat(), indicators: [{ tactics: [{ name: 'Execution', techniques: 'T1059' }] }] }),
      'indicators[0].tactics[0].techniques',
      'indicators[0].tactics[0].techniques: expected an array, got string "T1059"',
    ],
    [
      'an agentRealtimeInfo that is no object',
      () => ({ ...threat(), agentRealtimeInfo: ['ENG-LAPTOP-07'] }),
      'agentRealtimeInfo',
      'agentRealtimeInfo: expected an object, got an array',
    ],
  ])('rejects %s', (_label, payload, field, message) => {
    const error = errorOf(() => normalise(payload()));
    expect({ field: error.field, message: error.message }).toStrictEqual({ field, message });
  });
});
