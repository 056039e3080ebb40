import type { Severity } from '../severity';
import {
  at,
  buildAlert,
  eachObject,
  fail,
  firstDate,
  type JsonObject,
  lookup,
  ObservableList,
  optObject,
  optString,
  reqObject,
  reqString,
  TechniqueList,
  unwrap,
} from './normaliser.helpers';
import type { NormalisedAlert, SourceNormaliser } from './normaliser.types';

const SOURCE = 'sentinelone';

/*
 * SentinelOne threats carry no severity, only the engines' confidenceLevel:
 * malicious → HIGH, raised to CRITICAL while threatInfo.mitigationStatus is "not_mitigated"
 * (a confirmed threat still running); suspicious → MEDIUM; n/a (no verdict) → LOW.
 */
const CONFIDENCE: Record<string, Severity> = {
  malicious: 'HIGH',
  suspicious: 'MEDIUM',
  'n/a': 'LOW',
};

function severityOf(info: JsonObject, infoPath: string): Severity {
  const confidence = reqString(info, 'confidenceLevel', infoPath);
  const severity = lookup(CONFIDENCE, confidence, at(infoPath, 'confidenceLevel'));
  const mitigation = optString(info, 'mitigationStatus', infoPath);
  return severity === 'HIGH' && mitigation?.toLowerCase() === 'not_mitigated' ? 'CRITICAL' : severity;
}

/** A few facts an analyst reads first; the threat object itself has no prose description. */
function describe(info: JsonObject, infoPath: string): string | undefined {
  const facts = [
    ['Classification', optString(info, 'classification', infoPath)],
    ['Confidence', optString(info, 'confidenceLevel', infoPath)],
    ['File', optString(info, 'filePath', infoPath)],
    ['Mitigation status', optString(info, 'mitigationStatus', infoPath)],
  ].filter((fact): fact is [string, string] => fact[1] !== undefined);
  return facts.length > 0 ? facts.map(([label, value]) => `${label}: ${value}`).join('\n') : undefined;
}

/** One item of GET /web/api/v2.1/threats. */
function fromThreat(threat: JsonObject, path: string): NormalisedAlert {
  const sourceRef = reqString(threat, 'id', path);
  const infoPath = at(path, 'threatInfo');
  const info = reqObject(threat, 'threatInfo', path);
  const title = optString(info, 'threatName', infoPath) ?? fail(at(infoPath, 'threatName'), 'required');
  const severity = severityOf(info, infoPath);
  const detectedAt = firstDate([
    { obj: info, key: 'identifiedAt', path: infoPath },
    { obj: info, key: 'createdAt', path: infoPath },
  ]);

  // indicators[].tactics[].techniques[] name the ATT&CK id in `title` or, in older payloads, `name`.
  const techniques = new TechniqueList();
  for (const indicator of eachObject(threat, 'indicators', path)) {
    for (const tactic of eachObject(indicator.item, 'tactics', indicator.path)) {
      for (const technique of eachObject(tactic.item, 'techniques', tactic.path)) {
        techniques.add(technique.item.title, at(technique.path, 'title'));
        techniques.add(technique.item.name, at(technique.path, 'name'));
      }
    }
  }

  const detectionPath = at(path, 'agentDetectionInfo');
  const detection = optObject(threat, 'agentDetectionInfo', path);
  const realtimePath = at(path, 'agentRealtimeInfo');
  const realtime = optObject(threat, 'agentRealtimeInfo', path);
  const obs = new ObservableList();
  obs.field('HOSTNAME', realtime, 'agentComputerName', realtimePath);
  obs.field('HOSTNAME', detection, 'agentComputerName', detectionPath);
  obs.field('HOST_ID', realtime, 'agentId', realtimePath);
  obs.field('IP', detection, 'externalIp', detectionPath);
  obs.field('IP', detection, 'agentIpV4', detectionPath);
  obs.field('USER', detection, 'agentLastLoggedInUserName', detectionPath);
  obs.field('USER', info, 'processUser', infoPath);
  obs.field('PROCESS', info, 'originatorProcess', infoPath);
  obs.field('FILE_HASH', info, 'sha256', infoPath);
  obs.field('FILE_HASH', info, 'sha1', infoPath);
  obs.field('FILE_HASH', info, 'md5', infoPath);

  return buildAlert({
    source: SOURCE,
    sourceRef,
    sourceRefPath: at(path, 'id'),
    title,
    description: describe(info, infoPath),
    severity,
    detectedAt,
    techniques,
    observables: obs,
    raw: threat,
  });
}

export const sentineloneNormaliser: SourceNormaliser = {
  source: SOURCE,
  vendor: 'SentinelOne',
  description:
    'Singularity threats from the management API (/web/api/v2.1/threats): one threat, an array, ' +
    'or the { data: [...] } list response.',
  normalise(payload: unknown): NormalisedAlert[] {
    return unwrap(payload, 'data').map(({ item, path }) => fromThreat(item, path));
  },
};
