import type { BlockGroupFirewall, BlockTarget } from '../../../src/integrations/kit/firewall-target';
import { objectNote } from '../../../src/integrations/kit/firewall-target';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { FortiGateClient, VENDOR, type AddressTable, type GroupTable } from '../fortigate.client';

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
 * The FortiGate half of the kit's `firewall.*` actions: an address object in the block group of
 * its family (addrgrp, or addrgrp6 for IPv6). FortiOS applies changes at once: no commit.
 */
export const fortigateBlockGroup: BlockGroupFirewall = {
  vendor: VENDOR,
  open(ctx, target, input) {
    const fgt = new FortiGateClient(ctx);
    const place = placement(fgt, target);
    return {
      members: () => blockGroupMembers(fgt, place.groupTable, place.group),
      async add(members) {
        await fgt.createAddress(place.addressTable, addressObject(target, input.comment, ctx.idempotencyKey));
        await fgt.setMembers(place.groupTable, place.group, [...members, target.objectName]);
      },
      async remove(members) {
        const rest = members.filter((m) => m !== target.objectName);
        await fgt.setMembers(place.groupTable, place.group, rest.length ? rest : [PLACEHOLDER]);
        try {
          await fgt.deleteAddress(place.addressTable, target.objectName);
        } catch (err) {
          // Tidying only: an object that stays blocks nothing once it is out of the group.
          if (!(err instanceof VendorError)) throw err;
        }
      },
    };
  },
};

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
  comment: unknown,
  idempotencyKey: string,
): Record<string, string> {
  const base = { name: target.objectName, comment: objectNote(comment, idempotencyKey, 255) };
  if (target.kind === 'domain') return { ...base, type: 'fqdn', fqdn: target.value };
  if (target.family === 6) return { ...base, type: 'ipprefix', ip6: `${target.value}/128` };
  return { ...base, type: 'ipmask', subnet: `${target.value} 255.255.255.255` };
}
