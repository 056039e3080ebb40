import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/** What a firewall.* capability acts on, checked and in one canonical spelling. */
export interface BlockTarget {
  kind: 'ip' | 'domain';
  /** Canonical value: IPv6 compressed and lower-case, domains lower-case without a trailing dot. */
  value: string;
  /** 4 or 6 for an IP. */
  family?: 4 | 6;
  /** The address object that stands for it on the firewall. */
  objectName: string;
}

/**
 * Names stay within 63 characters of letters, digits, `.`, `-` and `_`: valid for FortiOS address
 * objects (up to 79) and the same as the PAN-OS integration uses, so one IP has one name everywhere.
 */
const MAX_NAME = 63;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/**
 * Reads the capability's `ip` or `domain` input; returns a problem (for a non-retryable
 * BAD_INPUT) instead of throwing, so each integration words its own error.
 */
export function readBlockTarget(kind: 'ip' | 'domain', raw: unknown): BlockTarget | { problem: string } {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) return { problem: `${kind} is required` };
  if (kind === 'ip') {
    const family = isIP(text);
    if (family === 4) return { kind, value: text, family, objectName: `cordon-ip-${text}` };
    if (family === 6) {
      // The URL parser prints IPv6 in its canonical compressed form.
      const value = new URL(`http://[${text}]/`).hostname.slice(1, -1);
      return { kind, value, family, objectName: `cordon-ip-${value.replace(/:/g, '_')}` };
    }
    return { problem: `"${text}" is not an IPv4 or IPv6 address` };
  }
  const value = text.toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(value)) return { problem: `"${text}" is not a domain name (wildcards are not supported)` };
  return { kind, value, objectName: boundedName('cordon-fqdn-', value) };
}

/** Long domains keep a readable head and a digest, so two of them never share a name. */
function boundedName(prefix: string, value: string): string {
  const name = `${prefix}${value}`;
  if (name.length <= MAX_NAME) return name;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 8);
  const head = value.slice(0, MAX_NAME - prefix.length - digest.length - 1).replace(/[.-]+$/, '');
  return `${prefix}${head}-${digest}`;
}
