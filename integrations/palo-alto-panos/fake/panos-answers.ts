import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';
import { el, escapeXml, parseXml, parseXmlFragment, toXml, type XmlElement } from '../panos-xml';
import { PanosConfigError } from './panos-config';

/** How the PAN-OS fake words its answers: the XML API's response shapes. */

export interface CommitJob {
  id: number;
  enqueuedAt: Date;
  polls: number;
  ok: boolean;
  details: string[];
  description: string;
  user: string;
}

/** A bad key or bad keygen credentials: HTTP 403, in PAN-OS's spaced, single-quoted style. */
export const INVALID_CREDENTIAL: FakeResponse = {
  status: 403,
  body: "<response status = 'error' code = '403'><result><msg>Invalid Credential</msg></result></response>",
};

export const SYSTEM_INFO =
  '<response status="success"><result><system><hostname>fake-pa-vm</hostname><model>PA-VM</model>' +
  '<serial>007951000000001</serial><sw-version>11.1.2</sw-version><multi-vsys>off</multi-vsys></system></result></response>';

/** `show jobs id N` for a commit job, ACT (55 %) until done, then FIN with OK or FAIL and its details. */
export function jobXml(job: CommitJob, done: boolean, now: Date): string {
  const stamp = formatTime(job.enqueuedAt);
  const fields: XmlElement[] = [
    el('tenq', {}, stamp),
    el('tdeq', {}, stamp),
    el('id', {}, String(job.id)),
    el('user', {}, job.user),
    el('type', {}, 'Commit'),
    el('status', {}, done ? 'FIN' : 'ACT'),
    el('queued', {}, 'NO'),
    el('stoppable', {}, done ? 'no' : 'yes'),
    el('result', {}, done ? (job.ok ? 'OK' : 'FAIL') : 'PEND'),
    el('tfin', {}, done ? formatTime(now) : 'Still Active'),
    el('description', {}, job.description),
    el('positionInQ', {}, '0'),
    el('progress', {}, done ? '100' : '55'),
    el('details', {}, done ? job.details.map((line) => el('line', {}, line)) : []),
    el('warnings', {}, []),
  ];
  return `<response status="success"><result>${toXml(el('job', {}, fields))}</result></response>`;
}

/** Query parameters, overridden by a form-encoded body (the XML API takes either). */
export function requestParams(req: FakeRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.body && typeof req.body === 'object') {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
      if (typeof v === 'string') params.set(k, v);
    }
  }
  return params;
}

export function parseElement(element: string): XmlElement[] {
  try {
    return parseXmlFragment(element);
  } catch (err) {
    throw new PanosConfigError('18', [`Malformed element: ${(err as Error).message}`]);
  }
}

export function parseCommand(cmd: string | null): XmlElement | undefined {
  if (!cmd) return undefined;
  try {
    return parseXml(cmd);
  } catch {
    return undefined;
  }
}

export function ok(body: string): FakeResponse {
  return { status: 200, body };
}

export function badRequest(message: string): FakeResponse {
  return {
    status: 400,
    body: `<response status="error" code="400"><result><msg>${escapeXml(message)}</msg></result></response>`,
  };
}

export function successXml(code: string, message: string): string {
  return `<response status="success" code="${code}"><msg>${escapeXml(message)}</msg></response>`;
}

export function errorXml(code: string | undefined, lines: string[]): string {
  const attr = code === undefined ? '' : ` code="${code}"`;
  const body = lines.map((l) => `<line>${escapeXml(l)}</line>`).join('');
  return `<response status="error"${attr}><msg>${body}</msg></response>`;
}

/** PAN-OS prints job times as `2030/01/01 00:00:00`. */
export function formatTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\..*$/, '').replace(/-/g, '/');
}
