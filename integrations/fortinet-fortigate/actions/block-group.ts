import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { readBlockTarget, type BlockTarget } from '../../../src/integrations/kit/firewall-target';
import { FortiGateClient, VENDOR, type AddressTable, type GroupTable } from '../fortigate.client';

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

/**
 * FortiOS address groups cannot be empty, so when the last blocked object leaves the group the
 * built-in `none` address (0.0.0.0/32, or ::/128 for IPv6) stands in: it matches nothing.
 */
export const PLACEHOLDER = 'none';

/** Where a target lives on a FortiGate: its address table, its group table and group name. */
interface Placement {
  addressTable: AddressTable;
  groupTable: GroupTable;
  group: string;
}

/**
 * Block and unblock share one shape: read the block group's members; stop if the object is
 * already where we want it (a retried step never writes twice); otherwise create the address
 * object and put the group's new member list. FortiOS applies changes at once: no commit.
 */
export function blockGroupAction(spec: {
  name: string;
  contract: CapabilityContract;
  kind: 'ip' | 'domain';
  block: boolean;
}): IntegrationAction<BlockInput, BlockOutput> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: BlockInput): Promise<BlockOutput> {
      const target = readBlockTarget(spec.kind, input?.[spec.kind]);
      if ('problem' in target) {
        throw new VendorError({
          vendor: VENDOR,
          code: 'BAD_INPUT',
          message: target.problem,
          retryable: false,
        });
      }
      const fgt = new FortiGateClient(ctx);
      const place = placement(fgt, target);
      const members = await blockGroupMembers(fgt, place.groupTable, place.group);
      const output = (blocked: boolean, already: boolean): BlockOutput => ({
        [spec.kind]: target.value,
        blocked,
        already,
        object_name: target.objectName,
      });
      if (members.includes(target.objectName) === spec.block) return output(spec.block, true);
      if (spec.block) {
        await fgt.createAddress(place.addressTable, addressObject(target, input.comment, ctx.idempotencyKey));
        await fgt.setMembers(place.groupTable, place.group, [...members, target.objectName]);
      } else {
        const rest = members.filter((m) => m !== target.objectName);
        await fgt.setMembers(place.groupTable, place.group, rest.length ? rest : [PLACEHOLDER]);
        try {
          await fgt.deleteAddress(place.addressTable, target.objectName);
        } catch (err) {
          // Tidying only: an object that stays blocks nothing once it is out of the group.
          if (!(err instanceof VendorError)) throw err;
        }
      }
      return output(spec.block, false);
    },
  };
}

/** Members of a block group; a missing group is a setup problem, not something to retry. */
export async function blockGroupMembers(
  fgt: FortiGateClient,
  table: GroupTable,
  group: string,
): Promise<string[]> {
  const members = await fgt.groupMembers(table, group);
  if (members) return members;
  throw new VendorError({
    vendor: VENDOR,
    status: 404,
    code: 'BLOCK_GROUP_NOT_FOUND',
    message:
      `firewall ${table} "${group}" does not exist in vdom ${fgt.settings.vdom}; ` +
      'create it (and a deny policy using it), or change the setting',
    retryable: false,
  });
}

function placement(fgt: FortiGateClient, target: BlockTarget): Placement {
  if (target.family !== 6)
    return { addressTable: 'address', groupTable: 'addrgrp', group: fgt.settings.blockGroup };
  const group = fgt.settings.blockGroup6;
  if (!group) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_SETTINGS',
      message: 'blocking an IPv6 address needs the blockGroup6 setting (an addrgrp6 used by a deny policy)',
      retryable: false,
    });
  }
  return { addressTable: 'address6', groupTable: 'addrgrp6', group };
}

function addressObject(
  target: BlockTarget,
  comment: string | undefined,
  idempotencyKey: string,
): Record<string, string> {
  const note = [typeof comment === 'string' ? comment.trim() : '', `(Cordon ${idempotencyKey})`]
    .filter(Boolean)
    .join(' ')
    .slice(0, 255);
  const base = { name: target.objectName, comment: note };
  if (target.kind === 'domain') return { ...base, type: 'fqdn', fqdn: target.value };
  if (target.family === 6) return { ...base, type: 'ipprefix', ip6: `${target.value}/128` };
  return { ...base, type: 'ipmask', subnet: `${target.value} 255.255.255.255` };
}
