import { crowdstrikeNormaliser } from './crowdstrike.normaliser';
import { errorOf, fixtureLoader } from './testing';

const fixture = fixtureLoader('crowdstrike');
const normalise = (payload: unknown) => crowdstrikeNormaliser.normalise(payload);

describe('crowdstrikeNormaliser', () => {
  it('reads an Alerts API v2 resource', () => {
    const payload = fixture('alert-v2.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'crowdstrike',
        sourceRef:
          '0a1b2c3d4e5f60718293a4b5c6d7e8f9:ind:5f2c8a1e9b7d4c6e8a1b2c3d4e5f6a7b:8590318745-10304-1234567',
        title: 'Suspicious encoded PowerShell command',
        description:
          'A PowerShell process started by Microsoft Word ran an encoded command that downloads and runs a remote script.',
        severity: 'HIGH',
        detectedAt: new Date('2025-03-14T09:27:03.481Z'),
        techniques: ['T1059.001', 'T1027'],
        observables: [
          { type: 'HOSTNAME', value: 'FIN-WKS-042' },
          { type: 'HOST_ID', value: '5f2c8a1e9b7d4c6e8a1b2c3d4e5f6a7b' },
          { type: 'IP', value: '192.0.2.41' },
          { type: 'IP', value: '203.0.113.24' },
          { type: 'USER', value: 'j.doe' },
          { type: 'PROCESS', value: 'powershell.exe' },
          {
            type: 'PROCESS',
            value:
              'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
          },
          { type: 'FILE_HASH', value: '6527c9361a2f469c5275afcb5d06e53013367cd231995de13dc7218711388382' },
          { type: 'FILE_HASH', value: '8812c36aa5ae336c2a77bf63211d899a' },
          { type: 'PROCESS', value: 'WINWORD.EXE' },
          {
            type: 'PROCESS',
            value:
              '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\j.doe\\Downloads\\invoice-0314.docm"',
          },
        ],
        raw: payload,
      },
    ]);
  });

  it('reads the { resources: [...] } response, banding scores that carry no severity_name', () => {
    const payload = fixture('alerts-v2-response.json');
    const [identity, pup] = normalise(payload);
    expect(identity).toStrictEqual({
      source: 'crowdstrike',
      sourceRef:
        '0a1b2c3d4e5f60718293a4b5c6d7e8f9:ind:0a1b2c3d4e5f60718293a4b5c6d7e8f9:4C3B2A19-8F7E-4D6C-B5A4-93827161F0E1',
      title: 'Password spraying',
      description:
        'An account failed to authenticate against many different accounts from the same endpoint.',
      severity: 'HIGH',
      detectedAt: new Date('2025-03-14T08:00:41.917Z'),
      techniques: ['T1110.003'],
      observables: [
        { type: 'USER', value: 'svc-backup' },
        { type: 'HOSTNAME', value: 'ENG-LAPTOP-07.corp.example.com' },
        { type: 'IP', value: '192.0.2.77' },
      ],
      raw: payload.resources[0],
    });
    expect(pup).toStrictEqual({
      source: 'crowdstrike',
      sourceRef:
        '0a1b2c3d4e5f60718293a4b5c6d7e8f9:ind:5f2c8a1e9b7d4c6e8a1b2c3d4e5f6a7b:8590277301-5761-9911021',
      title: 'PrewittPupAdwareSensorDetect-Lowest',
      description: "This file meets the Adware/PUP Anti-malware ML algorithm's lowest-confidence threshold.",
      severity: 'LOW',
      detectedAt: new Date('2025-03-13T16:45:09.102Z'),
      techniques: [], // CST0000 is CrowdStrike's own taxonomy, not ATT&CK
      observables: [
        { type: 'HOSTNAME', value: 'FIN-WKS-042' },
        { type: 'HOST_ID', value: '5f2c8a1e9b7d4c6e8a1b2c3d4e5f6a7b' },
        { type: 'IP', value: '192.0.2.41' }, // external_ip "N/A" is skipped
        { type: 'USER', value: 'j.doe' },
        { type: 'PROCESS', value: 'toolbar_setup.exe' },
        { type: 'PROCESS', value: '"C:\\Users\\j.doe\\AppData\\Local\\Temp\\toolbar_setup.exe" /S' },
        { type: 'FILE_HASH', value: '0c1eeccce6f114bf627c03a403d7c6e52e5b201ff1be893410a507066c9cc16b' },
        { type: 'FILE_HASH', value: '5b41dd08733372bb8d68ab7fbe38b9ab' }, // the all-zero sha1 is skipped
      ],
      raw: payload.resources[1],
    });
  });

  it('reads an Event Streams DetectionSummaryEvent', () => {
    const payload = fixture('detection-summary-event.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'crowdstrike',
        sourceRef: 'ldt:77aa88bb99cc00dd11ee22ff33aa44bb:8590402211',
        title: 'Credential Dumping',
        description: 'A process accessed LSASS memory in a way consistent with credential theft.',
        severity: 'HIGH',
        detectedAt: new Date('2025-03-14T11:31:05.000Z'),
        techniques: ['T1003.001'],
        observables: [
          { type: 'HOSTNAME', value: 'DC-01' },
          { type: 'IP', value: '192.0.2.10' },
          { type: 'USER', value: 'adm.smith' },
          { type: 'PROCESS', value: 'procdump64.exe' },
          { type: 'PROCESS', value: 'procdump64.exe -accepteula -ma lsass.exe C:\\Users\\Public\\l.dmp' },
          { type: 'FILE_HASH', value: '6784a8ff96a5bf2516f3758404af647c43b2b25d8f17dd2454cd27893ce56699' },
          { type: 'FILE_HASH', value: 'ed1205fd5a897934d89da9e92016e2d0' },
          { type: 'PROCESS', value: 'cmd.exe' },
          { type: 'PROCESS', value: '"C:\\Windows\\system32\\cmd.exe"' },
          { type: 'IP', value: '198.51.100.77' },
        ],
        raw: payload,
      },
    ]);
  });

  it('reads the EPPDetectionSummaryEvent variant (1-100 scores, Hostname, Name, CompositeId)', () => {
    const payload = fixture('detection-summary-event.json');
    payload.metadata.eventType = 'EPPDetectionSummaryEvent';
    payload.event = {
      Hostname: 'DC-01',
      Name: 'Credential Dumping',
      Severity: 90,
      CompositeId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9:ind:77aa88bb99cc00dd11ee22ff33aa44bb:8590402211-10197-1',
    };
    const [alert] = normalise(payload);
    expect(alert).toMatchObject({
      sourceRef: '0a1b2c3d4e5f60718293a4b5c6d7e8f9:ind:77aa88bb99cc00dd11ee22ff33aa44bb:8590402211-10197-1',
      title: 'Credential Dumping',
      severity: 'CRITICAL',
      observables: [{ type: 'HOSTNAME', value: 'DC-01' }],
    });
  });

  it.each([
    [10, 'INFO'],
    [19, 'INFO'],
    [20, 'LOW'],
    [49, 'LOW'],
    [50, 'MEDIUM'],
    [69, 'MEDIUM'],
    [70, 'HIGH'],
    [89, 'HIGH'],
    [90, 'CRITICAL'],
    [100, 'CRITICAL'],
  ])('bands a Falcon score of %i as %s', (score, severity) => {
    const payload = fixture('alert-v2.json');
    delete payload.severity_name;
    payload.severity = score;
    expect(normalise(payload)[0].severity).toBe(severity);
  });

  it.each([
    [1, 'INFO'],
    [3, 'MEDIUM'],
    [5, 'CRITICAL'],
  ])('reads a DetectionSummaryEvent Severity of %i as %s', (score, severity) => {
    const payload = fixture('detection-summary-event.json');
    delete payload.event.SeverityName;
    payload.event.Severity = score;
    expect(normalise(payload)[0].severity).toBe(severity);
  });

  it('reads a bare array of resources and an empty batch', () => {
    const alert = fixture('alert-v2.json');
    expect(normalise([alert, alert])).toHaveLength(2);
    expect(normalise({ meta: {}, resources: [], errors: [] })).toStrictEqual([]);
  });

  const alertV2 = () => fixture('alert-v2.json');
  const streamEvent = () => fixture('detection-summary-event.json');
  it.each<[string, () => unknown, string, string]>([
    ['not an object', () => 'alert', 'payload', 'payload: expected an object, got string "alert"'],
    ['an array item that is no object', () => [alertV2(), 7], '[1]', '[1]: expected an object, got number 7'],
    [
      'a missing composite_id',
      () => ({ ...alertV2(), composite_id: undefined }),
      'composite_id',
      'composite_id: required',
    ],
    [
      'a missing id inside the envelope',
      () => ({ resources: [alertV2(), { ...alertV2(), composite_id: '' }] }),
      'resources[1].composite_id',
      'resources[1].composite_id: required',
    ],
    [
      'an unknown severity_name',
      () => ({ ...alertV2(), severity_name: 'Severe' }),
      'severity_name',
      'severity_name: unknown value "Severe" (expected one of: informational, low, medium, high, critical)',
    ],
    [
      'a score out of range',
      () => ({ ...alertV2(), severity_name: null, severity: 150 }),
      'severity',
      'severity: expected an integer from 1 to 100, got 150',
    ],
    [
      'a score of the wrong type',
      () => ({ ...alertV2(), severity_name: null, severity: 'high' }),
      'severity',
      'severity: expected a number, got string "high"',
    ],
    [
      'a hostname of the wrong type',
      () => ({ ...alertV2(), device: { hostname: 42 } }),
      'device.hostname',
      'device.hostname: expected a string, got number 42',
    ],
    [
      'a device that is no object',
      () => ({ ...alertV2(), device: 'FIN-WKS-042' }),
      'device',
      'device: expected an object, got string "FIN-WKS-042"',
    ],
    [
      'an unreadable timestamp',
      () => ({ ...alertV2(), created_timestamp: 'yesterday' }),
      'created_timestamp',
      'created_timestamp: expected an ISO 8601 timestamp or epoch number, got string "yesterday"',
    ],
    [
      'no timestamp at all',
      () => ({ ...alertV2(), created_timestamp: undefined, timestamp: undefined }),
      'created_timestamp',
      'created_timestamp: required',
    ],
    [
      'an unsupported stream event',
      () => ({ ...streamEvent(), metadata: { eventType: 'AuthActivityAuditEvent' } }),
      'metadata.eventType',
      'metadata.eventType: unsupported event type "AuthActivityAuditEvent" (expected DetectionSummaryEvent or EPPDetectionSummaryEvent)',
    ],
    [
      'a stream event without DetectId',
      () => ({ ...streamEvent(), event: { ...streamEvent().event, DetectId: undefined } }),
      'event.DetectId',
      'event.DetectId: required',
    ],
    [
      'a stream event without its event',
      () => ({ metadata: streamEvent().metadata }),
      'event',
      'event: required',
    ],
    [
      'a stream Severity out of range',
      () => ({ ...streamEvent(), event: { ...streamEvent().event, SeverityName: undefined, Severity: 7 } }),
      'event.Severity',
      'event.Severity: expected an integer from 1 to 5, got 7',
    ],
  ])('rejects %s', (_label, payload, field, message) => {
    const error = errorOf(() => normalise(payload()));
    expect({ field: error.field, message: error.message }).toStrictEqual({ field, message });
  });
});
