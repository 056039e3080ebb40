import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { CAPABILITIES } from './capabilities';
import type { ActionContext, IntegrationAction } from './integration.types';
import { VendorError } from './vendor-error';

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

/** The input of the `firewall.*` capabilities: one of `ip` / `domain`, as the capability says. */
export interface BlockInput {
  ip?: string;
  domain?: string;
  comment?: string;
}

export interface BlockOutput extends Record<string, unknown> {
  blocked: boolean;
  already: boolean;
  object_name: string;
}

export type BlockCapability =
  'firewall.block_ip' | 'firewall.unblock_ip' | 'firewall.block_domain' | 'firewall.unblock_domain';

/** The block group a target belongs in, as one call of a firewall action sees it. */
export interface BlockGroup {
  /** The group's members (address object names) as the firewall enforces them now; a missing group throws. */
  members(): Promise<string[]>;
  /** Creates the target's address object and adds it to the group (and commits, where the firewall needs it). */
  add(members: string[]): Promise<void>;
  /** Takes the target's object out of the group, keeping the group valid, and tidies the object away. */
  remove(members: string[]): Promise<void>;
}

/** The vendor half of the `firewall.*` actions. */
export interface BlockGroupFirewall {
  vendor: string;
  /** The group for `target` on this connection; refuses (throws) a target its settings cannot place. */
  open(ctx: ActionContext, target: BlockTarget, input: BlockInput): BlockGroup;
}

/**
 * A `firewall.*` action over an address group that a deny rule uses. Block and unblock share one
 * shape: read the group's members; stop if the object is already where we want it (a retried step
 * never writes twice); otherwise let the firewall add or remove it.
 */
export function blockGroupAction(
  name: string,
  capability: BlockCapability,
  firewall: BlockGroupFirewall,
): IntegrationAction<BlockInput, BlockOutput> {
  const contract = CAPABILITIES[capability];
  const kind = capability.endsWith('_ip') ? 'ip' : 'domain';
  const block = capability.startsWith('firewall.block_');
  return {
    name,
    description: contract.description,
    inputSchema: contract.input,
    outputSchema: contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: BlockInput): Promise<BlockOutput> {
      const target = readBlockTarget(kind, input?.[kind]);
      if ('problem' in target) {
        throw new VendorError({
          vendor: firewall.vendor,
          code: 'BAD_INPUT',
          message: target.problem,
          retryable: false,
        });
      }
      const group = firewall.open(ctx, target, input);
      const members = await group.members();
      const output = (already: boolean): BlockOutput => ({
        [kind]: target.value,
        blocked: block,
        already,
        object_name: target.objectName,
      });
      if (members.includes(target.objectName) === block) return output(true);
      await (block ? group.add(members) : group.remove(members));
      return output(false);
    },
  };
}

/** The note stored on a firewall object: the analyst's comment and the step that made it, cut to `max`. */
export function objectNote(comment: unknown, idempotencyKey: string, max: number): string {
  return [typeof comment === 'string' ? comment.trim() : '', `(Cordon ${idempotencyKey})`]
    .filter(Boolean)
    .join(' ')
    .slice(0, max);
}
