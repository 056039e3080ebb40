import { bool, contracts, object, str } from './contract';

const host = object(
  {
    host_id: str('Vendor id of the host (Falcon AID, MDE machine id, SentinelOne agent id)'),
    hostname: str(),
    os: str('Platform and version, e.g. "Windows 10.0.19045"'),
    ip: str(),
    status: str('normal | containment_pending | contained | release_pending'),
    last_seen: { type: 'string', format: 'date-time' },
  },
  ['host_id', 'hostname', 'status'],
);

const containment = object(
  {
    host_id: str(),
    status: str('The host containment status after the call'),
    already: bool('True when the host was already in the requested state'),
  },
  ['host_id', 'status', 'already'],
);

const hostAction = object({ host_id: str(), comment: str('Why, for the vendor audit trail') }, ['host_id']);

const fileAction = object(
  {
    host_id: str(),
    sha256: str('SHA-256 of the file (lower-case hex)'),
    sha1: str('SHA-1, for vendors that key files by it (Defender)'),
    comment: str('Why, for the vendor audit trail'),
  },
  ['host_id'],
  'Give sha256 or sha1; an adapter says which one its vendor needs.',
);

const fileResult = object(
  {
    host_id: str(),
    action_id: str('Vendor id of the remediation action'),
    status: str('pending | succeeded | failed'),
    already: bool('True when the same action was already done for this key'),
  },
  ['host_id', 'status', 'already'],
);

export const EDR = contracts([
  {
    name: 'edr.find_host',
    description: 'Find one host by hostname (exact match, case-insensitive). Fails if none matches.',
    mutating: false,
    input: object({ hostname: str() }, ['hostname']),
    output: host,
  },
  {
    name: 'edr.isolate_host',
    description: 'Network-contain a host. Idempotent: an already contained host is not contained again.',
    mutating: true,
    input: hostAction,
    output: containment,
  },
  {
    name: 'edr.release_host',
    description: 'Lift network containment. Idempotent: a host not contained is left as it is.',
    mutating: true,
    input: hostAction,
    output: containment,
  },
  {
    name: 'edr.kill_process',
    description: 'Stop a running process on a host, named by the hash of its image file.',
    mutating: true,
    input: fileAction,
    output: fileResult,
  },
  {
    name: 'edr.quarantine_file',
    description: 'Stop and quarantine a file on a host, named by its hash.',
    mutating: true,
    input: fileAction,
    output: fileResult,
  },
]);
