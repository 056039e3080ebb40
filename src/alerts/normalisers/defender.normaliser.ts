import type { Severity } from '../severity';
import {
  at,
  buildAlert,
  eachObject,
  firstDate,
  type JsonObject,
  lookup,
  ObservableList,
  optArray,
  optObject,
  optString,
  reqString,
  TechniqueList,
  unwrap,
} from './normaliser.helpers';
import type { NormalisedAlert, SourceNormaliser } from './normaliser.types';

const SOURCE = 'defender';

/*
 * Graph security alertSeverity: informational, low, medium, high — Defender has no "critical".
 * `unknown` (and the evolvable-enum sentinel `unknownFutureValue`) means "not rated"; it maps to
 * MEDIUM so an unrated alert is looked at rather than sinking below the triage line.
 */
const SEVERITIES: Record<string, Severity> = {
  informational: 'INFO',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  unknown: 'MEDIUM',
  unknownfuturevalue: 'MEDIUM',
};

/** userAccount → the UPN when Entra ID knows one, else DOMAIN\account, else the account name. */
function addAccount(obs: ObservableList, account: JsonObject | undefined, path: string): void {
  if (account === undefined) return;
  const upn = optString(account, 'userPrincipalName', path);
  const name = optString(account, 'accountName', path);
  const domain = optString(account, 'domainName', path);
  if (upn !== undefined) obs.add('USER', upn, at(path, 'userPrincipalName'));
  else if (name !== undefined) {
    obs.add('USER', domain !== undefined ? `${domain}\\${name}` : name, at(path, 'accountName'));
  }
}

/** fileDetails (fileEvidence.fileDetails, processEvidence.imageFile): hashes, and the name if it ran. */
function addFile(obs: ObservableList, file: JsonObject | undefined, path: string, ran: boolean): void {
  if (ran) obs.field('PROCESS', file, 'fileName', path);
  obs.field('FILE_HASH', file, 'sha256', path);
  obs.field('FILE_HASH', file, 'sha1', path);
  obs.field('FILE_HASH', file, 'md5', path);
}

function addSender(obs: ObservableList, sender: JsonObject | undefined, path: string): void {
  obs.field('EMAIL', sender, 'emailAddress', path);
  obs.field('DOMAIN', sender, 'domainName', path);
}

/** One alertEvidence item; evidence kinds that carry no observable Cordon knows are skipped. */
function addEvidence(obs: ObservableList, evidence: JsonObject, path: string): void {
  const kind = optString(evidence, '@odata.type', path)?.replace(/^#?microsoft\.graph\.security\./, '');
  const sub = (key: string) => optObject(evidence, key, path);
  switch (kind ?? '') {
    case 'deviceEvidence':
      obs.field('HOSTNAME', evidence, 'deviceDnsName', path);
      obs.field('HOST_ID', evidence, 'mdatpDeviceId', path);
      obs.each('IP', evidence, 'ipInterfaces', path);
      for (const user of eachObject(evidence, 'loggedOnUsers', path)) addAccount(obs, user.item, user.path);
      break;
    case 'userEvidence':
      addAccount(obs, sub('userAccount'), at(path, 'userAccount'));
      break;
    case 'processEvidence':
      addFile(obs, sub('imageFile'), at(path, 'imageFile'), true);
      obs.field('PROCESS', evidence, 'processCommandLine', path);
      addAccount(obs, sub('userAccount'), at(path, 'userAccount'));
      break;
    case 'fileEvidence':
      addFile(obs, sub('fileDetails'), at(path, 'fileDetails'), false);
      break;
    case 'ipEvidence':
      obs.field('IP', evidence, 'ipAddress', path);
      break;
    case 'urlEvidence':
      obs.field('URL', evidence, 'url', path);
      break;
    case 'mailboxEvidence':
      obs.field('EMAIL', evidence, 'primaryAddress', path);
      addAccount(obs, sub('userAccount'), at(path, 'userAccount'));
      break;
    case 'analyzedMessageEvidence':
      addSender(obs, sub('p1Sender'), at(path, 'p1Sender'));
      addSender(obs, sub('p2Sender'), at(path, 'p2Sender'));
      obs.field('EMAIL', evidence, 'recipientEmailAddress', path);
      obs.field('IP', evidence, 'senderIp', path);
      obs.each('URL', evidence, 'urls', path);
      break;
    default:
      break;
  }
}

/** A microsoft.graph.security.alert (GET /security/alerts_v2/{id}). */
function fromAlert(alert: JsonObject, path: string): NormalisedAlert {
  const sourceRef = reqString(alert, 'id', path);
  const title = reqString(alert, 'title', path);
  const severity = lookup(SEVERITIES, reqString(alert, 'severity', path), at(path, 'severity'));
  const detectedAt = firstDate([
    { obj: alert, key: 'createdDateTime', path },
    { obj: alert, key: 'firstActivityDateTime', path },
  ]);

  const techniques = new TechniqueList();
  optArray(alert, 'mitreTechniques', path).forEach((id, i) =>
    techniques.add(id, at(at(path, 'mitreTechniques'), i)),
  );

  const obs = new ObservableList();
  for (const evidence of eachObject(alert, 'evidence', path)) addEvidence(obs, evidence.item, evidence.path);

  return buildAlert({
    source: SOURCE,
    sourceRef,
    sourceRefPath: at(path, 'id'),
    title,
    description: optString(alert, 'description', path),
    severity,
    detectedAt,
    techniques,
    observables: obs,
    raw: alert,
  });
}

export const defenderNormaliser: SourceNormaliser = {
  source: SOURCE,
  vendor: 'Microsoft',
  description:
    'Microsoft Defender XDR alerts from the Graph security API (/security/alerts_v2): one alert, ' +
    'an array, or the { value: [...] } list response.',
  normalise(payload: unknown): NormalisedAlert[] {
    return unwrap(payload, 'value').map(({ item, path }) => fromAlert(item, path));
  },
};
