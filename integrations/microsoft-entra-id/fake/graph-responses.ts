import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';
import { DEFAULT_USER_PROPERTIES, type EntraFakeUser, type GraphUserRecord } from './directory';
import { ODataFilterError, parseODataFilter, type Scope } from './odata-filter';

/** Graph's error body: `{"error": {"code", "message", "innerError": {date, request-id, client-request-id}}}`. */
export function graphError(status: number, code: string, message: string): FakeResponse & { body: unknown } {
  const requestId = randomUUID();
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': requestId,
          'client-request-id': requestId,
        },
      },
    },
  };
}

const PROPERTIES = Object.keys({
  id: '',
  userPrincipalName: '',
  displayName: '',
  givenName: '',
  surname: '',
  mail: '',
  jobTitle: '',
  mobilePhone: '',
  officeLocation: '',
  preferredLanguage: '',
  businessPhones: '',
  accountEnabled: '',
  userType: '',
  proxyAddresses: '',
  otherMails: '',
  onPremisesSyncEnabled: '',
  createdDateTime: '',
  signInSessionsValidFromDateTime: '',
} satisfies Record<keyof GraphUserRecord, string>) as Array<keyof GraphUserRecord>;

/** The record's property by its (case-insensitive) name, or Graph's complaint. */
function property(name: string): keyof GraphUserRecord {
  const found = PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!found) throw new PropertyError(name);
  return found;
}

class PropertyError extends Error {
  constructor(readonly property: string) {
    super(`Could not find a property named '${property}' on type 'microsoft.graph.user'.`);
  }
}

/** `$select`ed properties, or Graph's default set (which leaves out accountEnabled). */
function selection(req: FakeRequest): Array<keyof GraphUserRecord> {
  const raw = req.query.get('$select');
  if (!raw) return [...DEFAULT_USER_PROPERTIES];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(property);
}

function project(record: GraphUserRecord, fields: Array<keyof GraphUserRecord>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, structuredClone(record[f])]));
}

/** GET /v1.0/users/{id}: the user with `$select` applied. */
export function selectUser(record: GraphUserRecord, req: FakeRequest, baseUrl: string): FakeResponse {
  try {
    const fields = selection(req);
    const select = req.query.get('$select');
    const context = `${baseUrl}/v1.0/$metadata#users${select ? `(${fields.join(',')})` : ''}/$entity`;
    return { status: 200, body: { '@odata.context': context, ...project(record, fields) } };
  } catch (err) {
    if (err instanceof PropertyError) return graphError(400, 'BadRequest', err.message);
    throw err;
  }
}

/** GET /v1.0/users: `$filter`, `$select`, `$top` (1–999) and `@odata.nextLink` paging with `$skiptoken`. */
export function listUsers(req: FakeRequest, users: EntraFakeUser[], baseUrl: string): FakeResponse {
  const topRaw = req.query.get('$top');
  const top = topRaw === null ? 100 : Number(topRaw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    return graphError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${topRaw}'. Must be between 1 and 999 inclusive.`,
    );
  }
  let fields: Array<keyof GraphUserRecord>;
  let matches = users;
  try {
    fields = selection(req);
    const filter = req.query.get('$filter');
    if (filter) {
      const predicate = parseODataFilter(filter);
      matches = users.filter((u) => predicate(scope(u.record)));
    }
  } catch (err) {
    if (err instanceof PropertyError) return graphError(400, 'BadRequest', err.message);
    if (err instanceof ODataFilterError && err.message.startsWith('Could not find')) {
      return graphError(400, 'BadRequest', err.message);
    }
    throw err;
  }
  const offset = skipToken(req.query.get('$skiptoken'));
  const page = matches.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${baseUrl}/v1.0/$metadata#users${req.query.get('$select') ? `(${fields.join(',')})` : ''}`,
    value: page.map((u) => project(u.record, fields)),
  };
  if (offset + top < matches.length) {
    const next = new URLSearchParams(req.query);
    next.set('$skiptoken', Buffer.from(JSON.stringify({ offset: offset + top })).toString('base64url'));
    body['@odata.nextLink'] = `${baseUrl}/v1.0/users?${next.toString()}`;
  }
  return { status: 200, body };
}

function scope(record: GraphUserRecord): Scope {
  return (name) => {
    try {
      return record[property(name)];
    } catch (err) {
      if (err instanceof PropertyError) throw new ODataFilterError(err.message);
      throw err;
    }
  };
}

function skipToken(raw: string | null): number {
  if (!raw) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof parsed.offset === 'number' && parsed.offset >= 0 ? parsed.offset : 0;
  } catch {
    return 0;
  }
}
