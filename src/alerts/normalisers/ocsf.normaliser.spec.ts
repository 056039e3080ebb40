import { ocsfNormaliser } from './ocsf.normaliser';
import { errorOf, fixtureLoader } from './testing';

const fixture = fixtureLoader('ocsf');
const normalise = (payload: unknown) => ocsfNormaliser.normalise(payload);

describe('ocsfNormaliser', () => {
  it('reads a Detection Finding (class_uid 2004)', () => {
    const payload = fixture('detection-finding.json');
    expect(normalise(payload)).toStrictEqual([
      {
        source: 'ocsf',
        sourceRef: 'ndr-2025-03-14-000173',
        title: 'Command-and-control beaconing from web-01',
        description:
          'curl on web-01 contacted a known command-and-control host every 60 seconds for 20 minutes.',
        severity: 'HIGH',
        detectedAt: new Date('2025-03-14T14:25:04.512Z'),
        techniques: ['T1071', 'T1071.001', 'T1573'],
        observables: [
          // actor
          { type: 'USER', value: 'www-data' },
          { type: 'EMAIL', value: 'webops@example.com' },
          { type: 'PROCESS', value: 'curl' },
          { type: 'PROCESS', value: 'curl -s -k https://c2.example.net/beacon?id=web01' },
          { type: 'FILE_HASH', value: '427e4b79b1f0fc90306cbe064b1297b21dc6835bfa656d3bf46bc156e3f24bb0' },
          // device
          { type: 'HOSTNAME', value: 'web-01.example.com' },
          { type: 'IP', value: '192.0.2.10' },
          // evidences[0]; observables[] only repeat these (defanged, or with an algorithm prefix)
          { type: 'IP', value: '198.51.100.200' },
          { type: 'URL', value: 'https://c2.example.net/beacon?id=web01' },
          { type: 'DOMAIN', value: 'c2.example.net' },
        ],
        raw: payload,
      },
    ]);
  });

  it('reads observables[] by type_id, refanging and skipping types Cordon has no counterpart for', () => {
    const payload = {
      ...fixture('detection-finding.json'),
      actor: undefined,
      device: undefined,
      evidences: undefined,
      observables: [
        { name: 'src_endpoint.hostname', type_id: 1, value: 'ENG-LAPTOP-07' },
        { name: 'dst_endpoint.ip', type_id: 2, value: '203.0.113[.]9' },
        { name: 'dst_endpoint.mac', type_id: 3, value: '00:00:5e:00:53:01' },
        { name: 'actor.user.name', type_id: 4, value: 'm.jones' },
        { name: 'email.from', type_id: 5, value: 'billing[@]example.net' },
        { name: 'url.url_string', type_id: 6, value: 'hxxp://dl.example.net/a.zip' },
        { name: 'file.name', type_id: 7, value: 'a.zip' },
        { name: 'file.hashes', type_id: 8, value: 'MD5:7573F1429F285F385207EB60B9F8C3CC' },
        { name: 'process.name', type_id: 9, value: 'rundll32.exe' },
        { name: 'process.cmd_line', type_id: 13, value: 'rundll32.exe a.dll,Start' },
        { name: 'dst_endpoint', type_id: 20 },
        { name: 'custom', type_id: 99, type: 'Domain', value: 'dl.example.net' },
      ],
    };
    expect(normalise(payload)[0].observables).toStrictEqual([
      { type: 'HOSTNAME', value: 'ENG-LAPTOP-07' },
      { type: 'IP', value: '203.0.113.9' },
      { type: 'USER', value: 'm.jones' },
      { type: 'EMAIL', value: 'billing@example.net' },
      { type: 'URL', value: 'http://dl.example.net/a.zip' },
      { type: 'FILE_HASH', value: '7573f1429f285f385207eb60b9f8c3cc' },
      { type: 'PROCESS', value: 'rundll32.exe' },
      { type: 'PROCESS', value: 'rundll32.exe a.dll,Start' },
    ]);
  });

  it.each([
    [0, 'MEDIUM'],
    [1, 'INFO'],
    [2, 'LOW'],
    [3, 'MEDIUM'],
    [4, 'HIGH'],
    [5, 'CRITICAL'],
    [6, 'CRITICAL'],
    [99, 'MEDIUM'],
  ])('maps severity_id %i to %s', (severityId, severity) => {
    const payload = { ...fixture('detection-finding.json'), severity_id: severityId };
    expect(normalise(payload)[0].severity).toBe(severity);
  });

  it('falls back to time and to message, and reads attacks from the top level', () => {
    const payload = fixture('detection-finding.json');
    delete payload.finding_info.created_time;
    delete payload.finding_info.title;
    payload.attacks = [{ technique: { uid: 't1190' } }];
    const [alert] = normalise(payload);
    expect(alert.detectedAt).toStrictEqual(new Date('2025-03-14T14:25:05.000Z'));
    expect(alert.title).toBe('Web server process beaconing to a known command-and-control host');
    expect(alert.techniques).toStrictEqual(['T1071', 'T1071.001', 'T1573', 'T1190']);
  });

  it('reads an array of findings', () => {
    const finding = fixture('detection-finding.json');
    const second = { ...finding, finding_info: { ...finding.finding_info, uid: 'ndr-2025-03-14-000174' } };
    expect(normalise([finding, second]).map((a) => a.sourceRef)).toStrictEqual([
      'ndr-2025-03-14-000173',
      'ndr-2025-03-14-000174',
    ]);
  });

  const finding = () => fixture('detection-finding.json');
  const withInfo = (info: Record<string, unknown>) => ({
    ...finding(),
    finding_info: { ...finding().finding_info, ...info },
  });
  it.each<[string, () => unknown, string, string]>([
    ['not an object', () => 'finding', 'payload', 'payload: expected an object, got string "finding"'],
    [
      'another OCSF class',
      () => ({ ...finding(), class_uid: 2001 }),
      'class_uid',
      'class_uid: expected 2004 (Detection Finding), got 2001',
    ],
    [
      'a missing class_uid',
      () => [finding(), { ...finding(), class_uid: undefined }],
      '[1].class_uid',
      '[1].class_uid: required',
    ],
    [
      'a missing finding_info',
      () => ({ ...finding(), finding_info: null }),
      'finding_info',
      'finding_info: required',
    ],
    ['a missing uid', () => withInfo({ uid: undefined }), 'finding_info.uid', 'finding_info.uid: required'],
    [
      'an unknown severity_id',
      () => ({ ...finding(), severity_id: 7 }),
      'severity_id',
      'severity_id: unknown value 7 (expected 0-6 or 99)',
    ],
    [
      'a severity_id of the wrong type',
      () => ({ ...finding(), severity_id: '4' }),
      'severity_id',
      'severity_id: expected a number, got string "4"',
    ],
    [
      'no time at all',
      () => ({ ...withInfo({ created_time: undefined }), time: undefined }),
      'finding_info.created_time',
      'finding_info.created_time: required',
    ],
    [
      'an observable without type_id',
      () => ({ ...finding(), observables: [{ name: 'device.ip', value: '192.0.2.10' }] }),
      'observables[0].type_id',
      'observables[0].type_id: required',
    ],
    [
      'a technique uid of the wrong type',
      () => withInfo({ attacks: [{ technique: { uid: 1071 } }] }),
      'finding_info.attacks[0].technique.uid',
      'finding_info.attacks[0].technique.uid: expected a string, got number 1071',
    ],
    [
      'evidences that are no array',
      () => ({ ...finding(), evidences: { url: {} } }),
      'evidences',
      'evidences: expected an array, got an object',
    ],
  ])('rejects %s', (_label, payload, field, message) => {
    const error = errorOf(() => normalise(payload()));
    expect({ field: error.field, message: error.message }).toStrictEqual({ field, message });
  });
});
