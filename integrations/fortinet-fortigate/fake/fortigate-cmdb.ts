import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

export type Table = 'address' | 'address6' | 'addrgrp' | 'addrgrp6';
export const TABLES: readonly Table[] = ['address', 'address6', 'addrgrp', 'addrgrp6'];

export type CmdbObject = Record<string, unknown> & { name: string };

/** A refusal in FortiOS terms: the HTTP status and, usually, FortiOS's negative error number. */
export class CmdbError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** What a group change did to its membership, for the fake's effects. */
export interface MembershipChange {
  added: string[];
  removed: string[];
}

const HOSTNAME =
  /^(?=.{1,255}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;
/** Groups hold addresses of their own family, or other groups of it. */
const MEMBER_TABLES: Record<'addrgrp' | 'addrgrp6', Table[]> = {
  addrgrp: ['address', 'addrgrp'],
  addrgrp6: ['address6', 'addrgrp6'],
};

/**
 * One VDOM's `firewall address`, `address6`, `addrgrp` and `addrgrp6` tables, with the
 * built-in `all` and `none` addresses and the checks FortiOS makes on writes.
 */
export class VdomCmdb {
  private readonly tables: Record<Table, Map<string, CmdbObject>> = {
    address: new Map(),
    address6: new Map(),
    addrgrp: new Map(),
    addrgrp6: new Map(),
  };
  private readonly builtins = new Set<string>();

  constructor() {
    this.builtin('address', { name: 'all', type: 'ipmask', subnet: '0.0.0.0 0.0.0.0' });
    this.builtin('address', { name: 'none', type: 'ipmask', subnet: '0.0.0.0 255.255.255.255' });
    this.builtin('address6', { name: 'all', type: 'ipprefix', ip6: '::/0' });
    this.builtin('address6', { name: 'none', type: 'ipprefix', ip6: '::/128' });
  }

  isBuiltin(table: Table, name: string): boolean {
    return this.builtins.has(`${table}/${name}`);
  }

  list(table: Table): CmdbObject[] {
    return [...this.tables[table].values()].map((o) => structuredClone(o));
  }

  get(table: Table, name: string): CmdbObject | undefined {
    const found = this.tables[table].get(name);
    return found && structuredClone(found);
  }

  create(table: Table, body: Record<string, unknown>): CmdbObject {
    const name = typeof body.name === 'string' ? body.name : '';
    if (!name || name.length > 79) throw new CmdbError(500, -651, 'name is missing or too long');
    if (this.tables[table].has(name)) throw new CmdbError(500, -5, `object already exists (mkey='${name}')`);
    const object = this.normalise(table, { ...body, name });
    this.tables[table].set(name, object);
    return structuredClone(object);
  }

  /** PUT: merges the body into the object; for groups a `member` list replaces the old one. */
  update(table: Table, name: string, body: Record<string, unknown>): MembershipChange {
    const existing = this.tables[table].get(name);
    if (!existing) throw new CmdbError(404, -3, `entry not found (mkey='${name}')`);
    const before = memberNames(existing);
    const object = this.normalise(table, { ...existing, ...body, name });
    this.tables[table].set(name, object);
    const after = memberNames(object);
    return {
      added: after.filter((m) => !before.includes(m)),
      removed: before.filter((m) => !after.includes(m)),
    };
  }

  remove(table: Table, name: string): void {
    if (!this.tables[table].has(name)) throw new CmdbError(404, -3, `entry not found (mkey='${name}')`);
    const users = this.usersOf(table, name);
    if (users.length) throw new CmdbError(500, -23, `entry is used by ${users.join(', ')}`);
    this.tables[table].delete(name);
  }

  private usersOf(table: Table, name: string): string[] {
    const users: string[] = [];
    for (const groupTable of ['addrgrp', 'addrgrp6'] as const) {
      if (!MEMBER_TABLES[groupTable].includes(table)) continue;
      for (const group of this.tables[groupTable].values()) {
        if (memberNames(group).includes(name)) users.push(`firewall.${groupTable}:${group.name}`);
      }
    }
    return users;
  }

  private builtin(table: Table, body: Record<string, unknown> & { name: string }): void {
    const object = this.normalise(table, body);
    this.tables[table].set(object.name, object);
    this.builtins.add(`${table}/${object.name}`);
  }

  /** FortiOS's shape for the object, or a CmdbError for values it would refuse. */
  private normalise(table: Table, body: Record<string, unknown> & { name: string }): CmdbObject {
    const common = {
      ...body,
      q_origin_key: body.name,
      uuid: typeof body.uuid === 'string' ? body.uuid : randomUUID(),
      comment: typeof body.comment === 'string' ? body.comment : '',
      color: typeof body.color === 'number' ? body.color : 0,
    };
    switch (table) {
      case 'address':
        return { ...common, ...ipv4Address(body) };
      case 'address6':
        return { ...common, ...ipv6Address(body) };
      case 'addrgrp':
      case 'addrgrp6':
        return { ...common, ...this.group(table, body) };
    }
  }

  private group(table: 'addrgrp' | 'addrgrp6', body: Record<string, unknown> & { name: string }) {
    if (!Array.isArray(body.member)) throw new CmdbError(500, -651, 'member must be a list of {"name": …}');
    const names = (body.member as unknown[]).map((m) =>
      m && typeof m === 'object' && typeof (m as { name?: unknown }).name === 'string'
        ? (m as { name: string }).name
        : '',
    );
    // FortiOS will not keep an address group without members.
    if (!names.length) throw new CmdbError(500, -651, 'an address group needs at least one member');
    for (const name of names) {
      const known = name !== body.name && MEMBER_TABLES[table].some((t) => this.tables[t].has(name));
      if (!known)
        throw new CmdbError(
          424,
          -3,
          `member "${name}" is not an entry of ${MEMBER_TABLES[table].join(' or ')}`,
        );
    }
    return {
      type: 'default',
      category: 'default',
      member: [...new Set(names)].map((name) => ({ name, q_origin_key: name })),
      exclude: 'disable',
      'exclude-member': [],
    };
  }
}

function ipv4Address(body: Record<string, unknown>): Record<string, unknown> {
  const type = typeof body.type === 'string' ? body.type : 'ipmask';
  if (type === 'fqdn') {
    const fqdn = typeof body.fqdn === 'string' ? body.fqdn : '';
    if (!HOSTNAME.test(fqdn)) throw new CmdbError(500, -651, `fqdn "${fqdn}" is invalid`);
    return { type, fqdn };
  }
  if (type !== 'ipmask') throw new CmdbError(500, -651, `type "${type}" is not supported by this fake`);
  const subnet = parseSubnet(typeof body.subnet === 'string' ? body.subnet : '');
  if (!subnet) throw new CmdbError(500, -651, `subnet "${String(body.subnet)}" is invalid`);
  return { type, subnet };
}

function ipv6Address(body: Record<string, unknown>): Record<string, unknown> {
  const type = typeof body.type === 'string' ? body.type : 'ipprefix';
  const ip6 = typeof body.ip6 === 'string' ? body.ip6 : '';
  const [ip, bits, extra] = ip6.split('/');
  const valid =
    type === 'ipprefix' &&
    isIP(ip ?? '') === 6 &&
    extra === undefined &&
    /^\d+$/.test(bits ?? '') &&
    Number(bits) <= 128;
  if (!valid) throw new CmdbError(500, -651, `ip6 "${ip6}" is invalid`);
  return { type, ip6 };
}

/** `a.b.c.d m.m.m.m` or `a.b.c.d/len`, answered in FortiOS's dotted-mask form. */
function parseSubnet(text: string): string | undefined {
  const [ip, mask, extra] = text.trim().split(/[\s/]+/);
  if (!ip || isIP(ip) !== 4 || extra !== undefined) return undefined;
  if (mask === undefined) return `${ip} 255.255.255.255`;
  if (/^\d+$/.test(mask) && Number(mask) <= 32) return `${ip} ${dotted(Number(mask))}`;
  return isIP(mask) === 4 ? `${ip} ${mask}` : undefined;
}

function dotted(bits: number): string {
  const value = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

function memberNames(object: CmdbObject): string[] {
  return Array.isArray(object.member) ? (object.member as Array<{ name: string }>).map((m) => m.name) : [];
}
