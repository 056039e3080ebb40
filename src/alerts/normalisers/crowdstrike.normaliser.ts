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
  optNumber,
  optObject,
  optString,
  reqObject,
  reqString,
  TechniqueList,
  unwrap,
} from './normaliser.helpers';
import type { NormalisedAlert, SourceNormaliser } from './normaliser.types';

const SOURCE = 'crowdstrike';

/*
 * Falcon severities.
 * - `severity_name` / `SeverityName`, when sent, is Falcon's own label and wins.
 * - Alerts API v2 `severity` (and EPPDetectionSummaryEvent `Severity`) is 1-100. CrowdStrike's FQL
 *   guidance bands it Critical >= 90, High >= 70, Medium >= 50, Low >= 20, Informational below
 *   (the values seen are 10/30/50/70/90, with variations such as 79 labelled High).
 * - The legacy Event Streams DetectionSummaryEvent `Severity` is 1-5: 1 Informational … 5 Critical.
 */
const SEVERITY_NAMES: Record<string, Severity> = {
  informational: 'INFO',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};
const FIVE_POINT: Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function banded(score: number): Severity {
  if (score >= 90) return 'CRITICAL';
  if (score >= 70) return 'HIGH';
  if (score >= 50) return 'MEDIUM';
  if (score >= 20) return 'LOW';
  return 'INFO';
}

function severityOf(
  obj: JsonObject,
  nameKey: string,
  scoreKey: string,
  path: string,
  scale: 5 | 100,
): Severity {
  const name = optString(obj, nameKey, path);
  if (name !== undefined) return lookup(SEVERITY_NAMES, name, at(path, nameKey));
  const score = optNumber(obj, scoreKey, path) ?? fail(at(path, scoreKey), 'required');
  if (!Number.isInteger(score) || score < 1 || score > scale) {
    fail(at(path, scoreKey), `expected an integer from 1 to ${scale}, got ${score}`);
  }
  return scale === 5 ? FIVE_POINT[score - 1] : banded(score);
}

/** A resource from GET /alerts/entities/alerts/v2 (or the POST variant). */
function fromAlert(alert: JsonObject, path: string): NormalisedAlert {
  const sourceRef = reqString(alert, 'composite_id', path);
  const title =
    optString(alert, 'display_name', path) ??
    optString(alert, 'name', path) ??
    fail(at(path, 'name'), 'required');
  const severity = severityOf(alert, 'severity_name', 'severity', path, 100);
  const detectedAt = firstDate([
    { obj: alert, key: 'created_timestamp', path },
    { obj: alert, key: 'timestamp', path },
  ]);

  const techniques = new TechniqueList();
  techniques.add(alert.technique_id, at(path, 'technique_id'));
  for (const entry of eachObject(alert, 'mitre_attack', path)) {
    techniques.add(entry.item.technique_id, at(entry.path, 'technique_id'));
  }

  const devicePath = at(path, 'device');
  const device = optObject(alert, 'device', path);
  const parentPath = at(path, 'parent_details');
  const parent = optObject(alert, 'parent_details', path);
  const obs = new ObservableList();
  obs.field('HOSTNAME', device, 'hostname', devicePath);
  // Falcon's own id for the host: what its containment API takes, with no name lookup to go wrong.
  obs.field('HOST_ID', device, 'device_id', devicePath);
  obs.field('IP', device, 'local_ip', devicePath);
  obs.field('IP', device, 'external_ip', devicePath);
  obs.field('USER', alert, 'user_name', path);
  obs.field('PROCESS', alert, 'filename', path);
  obs.field('PROCESS', alert, 'cmdline', path);
  obs.field('FILE_HASH', alert, 'sha256', path);
  obs.field('FILE_HASH', alert, 'sha1', path);
  obs.field('FILE_HASH', alert, 'md5', path);
  obs.field('PROCESS', parent, 'filename', parentPath);
  obs.field('PROCESS', parent, 'cmdline', parentPath);
  // Identity Protection alerts name the source endpoint instead of a device.
  obs.field('HOSTNAME', alert, 'source_endpoint_host_name', path);
  obs.field('IP', alert, 'source_endpoint_ip_address', path);

  return buildAlert({
    source: SOURCE,
    sourceRef,
    sourceRefPath: at(path, 'composite_id'),
    title,
    description: optString(alert, 'description', path),
    severity,
    detectedAt,
    techniques,
    observables: obs,
    raw: alert,
  });
}

const STREAM_EVENT_TYPES = ['detectionsummaryevent', 'eppdetectionsummaryevent'];

/** An Event Streams detection: `{ metadata: { eventType, eventCreationTime, … }, event: { … } }`. */
function fromStreamEvent(payload: JsonObject, path: string): NormalisedAlert {
  const metaPath = at(path, 'metadata');
  const metadata = reqObject(payload, 'metadata', path);
  const eventType = reqString(metadata, 'eventType', metaPath);
  if (!STREAM_EVENT_TYPES.includes(eventType.toLowerCase())) {
    fail(
      at(metaPath, 'eventType'),
      `unsupported event type ${JSON.stringify(eventType)} (expected DetectionSummaryEvent or EPPDetectionSummaryEvent)`,
    );
  }
  // The EPP variant (Falcon's newer alert model) scores 1-100 and renames a few fields.
  const epp = eventType.toLowerCase().startsWith('epp');
  const eventPath = at(path, 'event');
  const event = reqObject(payload, 'event', path);

  const sourceRefKey = optString(event, 'CompositeId', eventPath) !== undefined ? 'CompositeId' : 'DetectId';
  const sourceRef = reqString(event, sourceRefKey, eventPath);
  const title =
    optString(event, 'DetectName', eventPath) ??
    optString(event, 'Name', eventPath) ??
    fail(at(eventPath, 'DetectName'), 'required');
  const severity = severityOf(event, 'SeverityName', 'Severity', eventPath, epp ? 100 : 5);
  const detectedAt = firstDate([
    { obj: metadata, key: 'eventCreationTime', path: metaPath },
    { obj: event, key: 'ProcessStartTime', path: eventPath },
  ]);

  const techniques = new TechniqueList();
  techniques.add(event.TechniqueId, at(eventPath, 'TechniqueId'));
  techniques.add(event.Technique, at(eventPath, 'Technique')); // a name ("Credential Dumping") is dropped
  for (const entry of eachObject(event, 'MitreAttack', eventPath)) {
    techniques.add(entry.item.TechniqueID, at(entry.path, 'TechniqueID'));
    techniques.add(entry.item.TechniqueId, at(entry.path, 'TechniqueId'));
  }

  const obs = new ObservableList();
  obs.field('HOSTNAME', event, 'ComputerName', eventPath);
  obs.field('HOSTNAME', event, 'Hostname', eventPath);
  obs.field('IP', event, 'LocalIP', eventPath);
  obs.field('USER', event, 'UserName', eventPath);
  obs.field('PROCESS', event, 'FileName', eventPath);
  obs.field('PROCESS', event, 'CommandLine', eventPath);
  obs.field('FILE_HASH', event, 'SHA256String', eventPath);
  obs.field('FILE_HASH', event, 'SHA1String', eventPath);
  obs.field('FILE_HASH', event, 'MD5String', eventPath);
  obs.field('PROCESS', event, 'ParentImageFileName', eventPath);
  obs.field('PROCESS', event, 'ParentCommandLine', eventPath);
  for (const access of eachObject(event, 'NetworkAccesses', eventPath)) {
    obs.field('IP', access.item, 'RemoteAddress', access.path);
  }

  return buildAlert({
    source: SOURCE,
    sourceRef,
    sourceRefPath: at(eventPath, sourceRefKey),
    title,
    description:
      optString(event, 'DetectDescription', eventPath) ?? optString(event, 'Description', eventPath),
    severity,
    detectedAt,
    techniques,
    observables: obs,
    raw: payload,
  });
}

export const crowdstrikeNormaliser: SourceNormaliser = {
  source: SOURCE,
  vendor: 'CrowdStrike',
  description:
    'Falcon detections: Alerts API v2 resources (one, an array, or the { resources: [...] } response) ' +
    'and Event Streams DetectionSummaryEvent / EPPDetectionSummaryEvent events.',
  normalise(payload: unknown): NormalisedAlert[] {
    return unwrap(payload, 'resources').map(({ item, path }) =>
      item.metadata !== undefined ? fromStreamEvent(item, path) : fromAlert(item, path),
    );
  },
};
