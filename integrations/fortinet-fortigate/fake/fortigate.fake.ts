import { randomBytes } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { CmdbError, TABLES, VdomCmdb, type CmdbObject, type Table } from './fortigate-cmdb';

export interface FortiGateFakeOptions {
  /** The REST API admin token the fake accepts (Bearer header or access_token=). */
  apiToken?: string;
  /** VDOMs that exist; default ['root']. */
  vdoms?: string[];
  /**
   * Block groups to seed in every VDOM: IPv4 `cordon-blocklist` and IPv6 `cordon-blocklist6`,
   * each holding only the built-in `none` (FortiOS keeps no address group empty).
   */
  groups?: { addrgrp?: string[]; addrgrp6?: string[] };
}

export const FORTIGATE_FAKE_API_TOKEN = 'fake-fortigate-rest-api-token-0001';
const SERIAL = 'FGVM02TM00000001';
const VERSION = 'v7.4.3';
const BUILD = 2573;

/**
 * A local FortiGate speaking the FortiOS REST API for what Cordon uses: `cmdb/firewall/address`,
 * `address6`, `addrgrp`, `addrgrp6` (list, get, create, update, delete) and
 * `monitor/system/status`. Every answer is FortiOS's envelope; errors carry `error: <negative
 * int>` (500 / -5 for a duplicate). Changes apply at once, as on the device.
 */
export class FortiGateFake extends RecordingFakeServer {
  private readonly apiToken: string;
  private readonly vdoms = new Map<string, VdomCmdb>();
  private revision = randomBytes(16).toString('hex');

  constructor(options: FortiGateFakeOptions = {}) {
    super();
    this.apiToken = options.apiToken ?? FORTIGATE_FAKE_API_TOKEN;
    const groups = {
      addrgrp: options.groups?.addrgrp ?? ['cordon-blocklist'],
      addrgrp6: options.groups?.addrgrp6 ?? ['cordon-blocklist6'],
    };
    for (const vdom of options.vdoms ?? ['root']) {
      const cmdb = new VdomCmdb();
      for (const name of groups.addrgrp) cmdb.create('addrgrp', { name, member: [{ name: 'none' }] });
      for (const name of groups.addrgrp6) cmdb.create('addrgrp6', { name, member: [{ name: 'none' }] });
      this.vdoms.set(vdom, cmdb);
    }

    this.route(
      'GET',
      '/api/v2/monitor/system/status',
      this.authed((req) => this.status(req)),
    );
    for (const table of TABLES) {
      const base = `/api/v2/cmdb/firewall/${table}`;
      this.route(
        'GET',
        base,
        this.cmdb(table, (req, db) => this.list(req, table, db)),
      );
      this.route(
        'POST',
        base,
        this.cmdb(table, (req, db) => this.create(req, table, db)),
      );
      this.route(
        'GET',
        `${base}/:mkey`,
        this.cmdb(table, (req, db) => this.read(req, table, db)),
      );
      this.route(
        'PUT',
        `${base}/:mkey`,
        this.cmdb(table, (req, db) => this.update(req, table, db)),
      );
      this.route(
        'DELETE',
        `${base}/:mkey`,
        this.cmdb(table, (req, db) => this.remove(req, table, db)),
      );
    }
  }

  /** The table's objects in a VDOM, as the API would list them. */
  objects(table: Table, vdom = 'root'): CmdbObject[] {
    return this.vdoms.get(vdom)?.list(table) ?? [];
  }

  /** Member names of a group (addrgrp unless told otherwise). */
  groupMembers(name: string, table: 'addrgrp' | 'addrgrp6' = 'addrgrp', vdom = 'root'): string[] {
    const group = this.vdoms.get(vdom)?.get(table, name);
    return Array.isArray(group?.member) ? (group.member as Array<{ name: string }>).map((m) => m.name) : [];
  }

  /** FortiOS documents no REST rate limit; the fake answers 429 with Retry-After, as HTTP advises. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: this.errorBody(429),
    };
  }

  protected override errorBody(status: number): unknown {
    return { status: 'error', http_status: status, serial: SERIAL, version: VERSION, build: BUILD };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? req.query.get('access_token');
      if (token !== this.apiToken) return { status: 401, body: this.errorBody(401) };
      return handler(req);
    };
  }

  private cmdb(table: Table, handler: (req: FakeRequest, db: VdomCmdb) => FakeResponse): FakeHandler {
    return this.authed((req) => {
      const vdom = req.query.get('vdom') ?? 'root';
      const db = this.vdoms.get(vdom);
      if (!db) return this.error(req, table, vdom, new CmdbError(404, -3, `vdom ${vdom} not found`));
      try {
        return handler(req, db);
      } catch (err) {
        if (err instanceof CmdbError) return this.error(req, table, vdom, err);
        throw err;
      }
    });
  }

  private status(req: FakeRequest): FakeResponse {
    return {
      status: 200,
      body: {
        http_method: 'GET',
        results: {
          model_name: 'FortiGate',
          model_number: 'VM64',
          model: 'FGVMK6',
          hostname: 'fake-fgt',
          log_disk_status: 'available',
        },
        vdom: req.query.get('vdom') ?? 'root',
        path: 'system',
        name: 'status',
        action: '',
        status: 'success',
        serial: SERIAL,
        version: VERSION,
        build: BUILD,
      },
    };
  }

  private list(req: FakeRequest, table: Table, db: VdomCmdb): FakeResponse {
    let results = db.list(table);
    const filter = req.query.get('filter');
    if (filter) {
      const match = /^name==(.*)$/.exec(filter);
      if (!match) throw new CmdbError(400, -1, 'this fake filters on name== only');
      results = results.filter((o) => o.name === match[1]);
    }
    return this.ok(req, table, {
      results,
      size: results.length,
      matched_count: results.length,
      next_idx: results.length - 1,
    });
  }

  private read(req: FakeRequest, table: Table, db: VdomCmdb): FakeResponse {
    const found = db.get(table, req.params.mkey ?? '');
    if (!found) throw new CmdbError(404, undefined, 'not found');
    return this.ok(req, table, { results: [found], size: 1, matched_count: 1, next_idx: 0 });
  }

  private create(req: FakeRequest, table: Table, db: VdomCmdb): FakeResponse {
    const created = db.create(table, body(req));
    if (table === 'addrgrp' || table === 'addrgrp6')
      this.recordMembership(db, table, { added: this.names(created), removed: [] });
    return this.ok(req, table, { mkey: created.name, ...this.bump() });
  }

  private update(req: FakeRequest, table: Table, db: VdomCmdb): FakeResponse {
    const name = req.params.mkey ?? '';
    const change = db.update(table, name, body(req));
    if (table === 'addrgrp' || table === 'addrgrp6') this.recordMembership(db, table, change);
    return this.ok(req, table, { mkey: name, ...this.bump() });
  }

  private remove(req: FakeRequest, table: Table, db: VdomCmdb): FakeResponse {
    const name = req.params.mkey ?? '';
    db.remove(table, name);
    return this.ok(req, table, { mkey: name, ...this.bump() });
  }

  /** A group gained or lost address objects: that is what blocks or unblocks traffic. */
  private recordMembership(
    db: VdomCmdb,
    table: 'addrgrp' | 'addrgrp6',
    change: { added: string[]; removed: string[] },
  ): void {
    const addressTable = table === 'addrgrp' ? 'address' : 'address6';
    for (const [verb, names] of [
      ['block', change.added],
      ['unblock', change.removed],
    ] as const) {
      for (const name of names) {
        if (db.isBuiltin(addressTable, name)) continue; // `none` matches nothing, `all` is not a block
        const object = db.get(addressTable, name);
        const target = object && blockTarget(object);
        if (target) this.recordEffect(`firewall.${verb}_${target.kind}`, target.value);
      }
    }
  }

  private names(object: CmdbObject): string[] {
    return Array.isArray(object.member) ? (object.member as Array<{ name: string }>).map((m) => m.name) : [];
  }

  private bump(): { revision: string; old_revision: string; revision_changed: boolean } {
    const old = this.revision;
    this.revision = randomBytes(16).toString('hex');
    return { revision: this.revision, old_revision: old, revision_changed: true };
  }

  private ok(req: FakeRequest, table: Table, extra: Record<string, unknown>): FakeResponse {
    return {
      status: 200,
      body: {
        http_method: req.method,
        revision: this.revision,
        ...extra,
        vdom: req.query.get('vdom') ?? 'root',
        path: 'firewall',
        name: table,
        status: 'success',
        http_status: 200,
        serial: SERIAL,
        version: VERSION,
        build: BUILD,
      },
    };
  }

  private error(req: FakeRequest, table: Table, vdom: string, err: CmdbError): FakeResponse {
    return {
      status: err.httpStatus,
      body: {
        http_method: req.method,
        ...(err.error === undefined ? {} : { error: err.error }),
        vdom,
        path: 'firewall',
        name: table,
        status: 'error',
        http_status: err.httpStatus,
        serial: SERIAL,
        version: VERSION,
        build: BUILD,
      },
    };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createFortiGateFake(options: FortiGateFakeOptions = {}): FortiGateFake {
  return new FortiGateFake(options);
}

function body(req: FakeRequest): Record<string, unknown> {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new CmdbError(400, -1, 'expected a JSON object');
  }
  return req.body as Record<string, unknown>;
}

/** The IP (single host) or domain an address object stands for; networks and ranges are not blocks of one. */
function blockTarget(object: CmdbObject): { kind: 'ip' | 'domain'; value: string } | undefined {
  if (object.type === 'fqdn' && typeof object.fqdn === 'string')
    return { kind: 'domain', value: object.fqdn };
  if (typeof object.subnet === 'string') {
    const [ip, mask] = object.subnet.split(' ');
    return ip && mask === '255.255.255.255' ? { kind: 'ip', value: ip } : undefined;
  }
  if (typeof object.ip6 === 'string') {
    const [ip, bits] = object.ip6.split('/');
    return ip && bits === '128' ? { kind: 'ip', value: ip } : undefined;
  }
  return undefined;
}
