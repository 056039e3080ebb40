import type { ObservableType } from '../observable-type';
import type { Severity } from '../severity';
import {
  at,
  buildAlert,
  eachObject,
  fail,
  firstDate,
  type JsonObject,
  ObservableList,
  optNumber,
  optObject,
  optString,
  reqObject,
  reqString,
  TechniqueList,
  unwrap,
} from './normaliser.helpers';
import type { NormalisedAlert, SourceNormaliser } from './normaliser.types';

const SOURCE = 'ocsf';
const DETECTION_FINDING = 2004;

/*
 * OCSF severity_id: 1 Informational → INFO, 2 Low → LOW, 3 Medium → MEDIUM, 4 High → HIGH,
 * 5 Critical and 6 Fatal → CRITICAL. 0 Unknown and 99 Other say nothing about impact; they map to
 * MEDIUM so the finding is triaged rather than buried. Any other id is an error.
 */
const SEVERITY_IDS = new Map<number, Severity>([
  [0, 'MEDIUM'],
  [1, 'INFO'],
  [2, 'LOW'],
  [3, 'MEDIUM'],
  [4, 'HIGH'],
  [5, 'CRITICAL'],
  [6, 'CRITICAL'],
  [99, 'MEDIUM'],
]);

/*
 * observable.type_id values with a Cordon counterpart: 1 Hostname, 2 IP Address, 4 User Name,
 * 5 Email Address, 6 URL String, 8 Hash, 9 Process Name, 13 Command Line (a PROCESS, as for the
 * vendor sources). File names (7), MAC addresses (3), ports (11) and the object types (20+, e.g.
 * 20 Endpoint) have none and are skipped.
 */
const OBSERVABLE_TYPE_IDS = new Map<number, ObservableType>([
  [1, 'HOSTNAME'],
  [2, 'IP'],
  [4, 'USER'],
  [5, 'EMAIL'],
  [6, 'URL'],
  [8, 'FILE_HASH'],
  [9, 'PROCESS'],
  [13, 'PROCESS'],
]);

/** fingerprint.algorithm_id: 1 MD5, 2 SHA-1, 3 SHA-256, 4 SHA-512 (not ssdeep, TLSH, …). */
const FILE_HASH_ALGORITHMS = new Set([1, 2, 3, 4]);

function addFile(obs: ObservableList, file: JsonObject | undefined, path: string): void {
  for (const hash of eachObject(file, 'hashes', path)) {
    const algorithm = optNumber(hash.item, 'algorithm_id', hash.path);
    if (algorithm !== undefined && FILE_HASH_ALGORITHMS.has(algorithm)) {
      obs.field('FILE_HASH', hash.item, 'value', hash.path);
    }
  }
}

function addProcess(obs: ObservableList, process: JsonObject | undefined, path: string): void {
  obs.field('PROCESS', process, 'name', path);
  obs.field('PROCESS', process, 'cmd_line', path);
  addFile(obs, optObject(process, 'file', path), at(path, 'file'));
}

function addUser(obs: ObservableList, user: JsonObject | undefined, path: string): void {
  obs.field('USER', user, 'name', path);
  obs.field('EMAIL', user, 'email_addr', path);
}

/** The entity objects a finding or one of its evidences may carry. */
function addEntities(obs: ObservableList, holder: JsonObject, path: string): void {
  const sub = (key: string) => optObject(holder, key, path);
  const actor = sub('actor');
  addUser(obs, optObject(actor, 'user', at(path, 'actor')), at(at(path, 'actor'), 'user'));
  addProcess(obs, optObject(actor, 'process', at(path, 'actor')), at(at(path, 'actor'), 'process'));
  addUser(obs, sub('user'), at(path, 'user'));
  addProcess(obs, sub('process'), at(path, 'process'));
  addFile(obs, sub('file'), at(path, 'file'));
  for (const key of ['device', 'src_endpoint', 'dst_endpoint']) {
    obs.field('HOSTNAME', sub(key), 'hostname', at(path, key));
    obs.field('IP', sub(key), 'ip', at(path, key));
  }
  // The reporting product's id for the device (its own API's handle for it).
  obs.field('HOST_ID', sub('device'), 'uid', at(path, 'device'));
  obs.field('URL', sub('url'), 'url_string', at(path, 'url'));
  obs.field('DOMAIN', sub('query'), 'hostname', at(path, 'query'));
  obs.field('EMAIL', sub('email'), 'from', at(path, 'email'));
  obs.each('EMAIL', sub('email'), 'to', at(path, 'email'));
}

/** observables[]: `{ name, type_id, value }`; object-typed observables have no value. */
function addObservables(obs: ObservableList, finding: JsonObject, path: string): void {
  for (const observable of eachObject(finding, 'observables', path)) {
    const typeId =
      optNumber(observable.item, 'type_id', observable.path) ??
      fail(at(observable.path, 'type_id'), 'required');
    const type = OBSERVABLE_TYPE_IDS.get(typeId);
    if (type === undefined) continue;
    const valuePath = at(observable.path, 'value');
    const value = optString(observable.item, 'value', observable.path);
    // Hash values may carry the algorithm, as in the schema's example "MD5:3172ac…".
    obs.add(type, type === 'FILE_HASH' ? value?.replace(/^[a-z0-9-]+:/i, '') : value, valuePath);
  }
}

function fromFinding(finding: JsonObject, path: string): NormalisedAlert {
  const classUid = optNumber(finding, 'class_uid', path) ?? fail(at(path, 'class_uid'), 'required');
  if (classUid !== DETECTION_FINDING) {
    fail(at(path, 'class_uid'), `expected ${DETECTION_FINDING} (Detection Finding), got ${classUid}`);
  }
  const infoPath = at(path, 'finding_info');
  const info = reqObject(finding, 'finding_info', path);
  const sourceRef = reqString(info, 'uid', infoPath);
  const title =
    optString(info, 'title', infoPath) ??
    optString(finding, 'message', path) ??
    fail(at(infoPath, 'title'), 'required');
  const severityId = optNumber(finding, 'severity_id', path) ?? fail(at(path, 'severity_id'), 'required');
  const severity =
    SEVERITY_IDS.get(severityId) ??
    fail(at(path, 'severity_id'), `unknown value ${severityId} (expected 0-6 or 99)`);
  const detectedAt = firstDate([
    { obj: info, key: 'created_time', path: infoPath },
    { obj: finding, key: 'time', path },
  ]);

  // Attacks sit in finding_info (1.1+) and, from the Security Control profile, at the top level.
  const techniques = new TechniqueList();
  for (const [holder, holderPath] of [
    [info, infoPath],
    [finding, path],
  ] as const) {
    for (const attack of eachObject(holder, 'attacks', holderPath)) {
      for (const key of ['technique', 'sub_technique']) {
        techniques.add(optObject(attack.item, key, attack.path)?.uid, at(at(attack.path, key), 'uid'));
      }
    }
  }

  const obs = new ObservableList();
  addEntities(obs, finding, path);
  for (const evidence of eachObject(finding, 'evidences', path))
    addEntities(obs, evidence.item, evidence.path);
  addObservables(obs, finding, path);

  return buildAlert({
    source: SOURCE,
    sourceRef,
    sourceRefPath: at(infoPath, 'uid'),
    title,
    description: optString(info, 'desc', infoPath),
    severity,
    detectedAt,
    techniques,
    observables: obs,
    raw: finding,
  });
}

export const ocsfNormaliser: SourceNormaliser = {
  source: SOURCE,
  vendor: 'OCSF',
  description:
    'Any tool that emits OCSF Detection Findings (class_uid 2004): one finding or an array of them.',
  normalise(payload: unknown): NormalisedAlert[] {
    return unwrap(payload).map(({ item, path }) => fromFinding(item, path));
  },
};
