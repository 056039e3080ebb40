import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { SecurityConfig } from '../config/config';

export type OutboundPolicy = SecurityConfig['outbound'];

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

function blockList(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) {
    const [net, bits] = cidr.split('/');
    list.addSubnet(net, Number(bits ?? 32), 'ipv4');
  }
  for (const cidr of v6) {
    const [net, bits] = cidr.split('/');
    list.addSubnet(net, Number(bits ?? 128), 'ipv6');
  }
  return list;
}

/** Cloud instance metadata and similar host-only services: never a connection's destination. */
const METADATA = blockList(
  ['169.254.169.254', '169.254.170.2', '169.254.169.123', '100.100.100.200', '168.63.129.16'],
  ['fd00:ec2::254', 'fd00:ec2::123'],
);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
]);

/** Addresses inside the host or its networks, refused unless CORDON_ALLOW_PRIVATE_CONNECTIONS=1. */
const INTERNAL: [string, BlockList][] = [
  ['a loopback', blockList(['127.0.0.0/8'], ['::1/128'])],
  ['a link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  ['an unspecified', blockList(['0.0.0.0/8'], ['::/128'])],
  [
    'a private',
    blockList(
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15'],
      ['fc00::/7'],
    ),
  ],
  ['a multicast or reserved', blockList(['224.0.0.0/4', '240.0.0.0/4'], ['ff00::/8'])],
];

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 6 ? 'ipv6' : 'ipv4';
}

/** "::ffff:127.0.0.1" is 127.0.0.1. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

/** Why an address may not be reached, or null. */
export function refusedAddress(rawIp: string, policy: OutboundPolicy): string | null {
  const ip = unmapped(rawIp);
  if (METADATA.check(ip, family(ip))) return `${ip} is a cloud metadata address`;
  if (policy.allowPrivate) return null;
  for (const [kind, list] of INTERNAL) {
    if (list.check(ip, family(ip)))
      return `${ip} is ${kind} address (set CORDON_ALLOW_PRIVATE_CONNECTIONS=1 or list it in CORDON_CONNECTION_ALLOWLIST)`;
  }
  return null;
}

/** Whether a host matches an allow-list entry: "api.example.com", "*.example.com", "10.1.2.3" or "10.0.0.0/8". */
export function allowListed(host: string, allowlist: string[]): boolean {
  const ip = isIP(unmapped(host)) ? unmapped(host) : null;
  return allowlist.some((entry) => {
    if (entry.includes('/')) {
      if (!ip) return false;
      const [net, bits] = entry.split('/');
      if (!isIP(net) || isIP(net) !== isIP(ip)) return false;
      const list = new BlockList();
      list.addSubnet(net, Number(bits), family(net));
      return list.check(ip, family(ip));
    }
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1)) && host.length > entry.length - 1;
    return host === entry;
  });
}

/**
 * Checks one destination (a URL, or a bare host for SMTP-like settings) against the policy:
 * with an allow-list, the host must be on it; metadata addresses are always refused; loopback,
 * link-local and private addresses are refused unless allowed, by name or by what the name
 * resolves to. Returns the reason it is refused, or null.
 */
export async function refusedDestination(
  target: string,
  policy: OutboundPolicy,
  resolve: Resolver = systemResolver,
): Promise<string | null> {
  let host: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      host = new URL(target).hostname;
    } catch {
      return `${target} is not a URL`;
    }
  } else host = target;
  host = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (!host) return 'no host';
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service`;
  const listed = policy.allowlist.length > 0 && allowListed(host, policy.allowlist);
  if (policy.allowlist.length > 0 && !listed) return `${host} is not in CORDON_CONNECTION_ALLOWLIST`;
  // An allow-listed destination may be internal (an on-premises firewall), never metadata.
  const effective: OutboundPolicy = listed ? { ...policy, allowPrivate: true } : policy;
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return effective.allowPrivate ? null : refusedAddress('127.0.0.1', effective);
  }
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      // Unresolvable now: nothing to reach yet; checked again before every call.
      return null;
    }
  }
  for (const address of addresses) {
    const why = refusedAddress(address, effective);
    if (why) return host === address ? why : `${host} resolves to ${why}`;
  }
  return null;
}

/** The settings and secrets of a connection that name where it connects: *url / *Url, and host. */
export function destinationsOf(
  values: Record<string, unknown>,
  prefix: string,
): { field: string; target: string }[] {
  return Object.entries(values)
    .filter(([key, v]) => typeof v === 'string' && v !== '' && (/url$/i.test(key) || key === 'host'))
    .map(([key, v]) => ({ field: `${prefix}.${key}`, target: v as string }));
}
