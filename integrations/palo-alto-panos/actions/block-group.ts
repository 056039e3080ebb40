import type { BlockGroupFirewall, BlockTarget } from '../../../src/integrations/kit/firewall-target';
import { objectNote } from '../../../src/integrations/kit/firewall-target';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { PanosClient, staticMembers, VENDOR } from '../panos.client';
import { child, escapeXml } from '../panos-xml';

/**
 * Static groups cannot be empty on PAN-OS (commit fails), so when the last blocked object leaves
 * the group this stands in: a documentation address (RFC 5737) that no real host uses.
 */
export const PLACEHOLDER = {
  name: 'cordon-placeholder',
  element:
    '<ip-netmask>192.0.2.255/32</ip-netmask>' +
    '<description>Keeps the Cordon block group non-empty; matches no real host (RFC 5737)</description>',
};

/**
 * The PAN-OS half of the kit's `firewall.*` actions: members are read from the running config (what
 * the firewall enforces); a change edits the candidate config, commits and waits for the commit job.
 */
export const panosBlockGroup: BlockGroupFirewall = {
  vendor: VENDOR,
  open(ctx, target, input) {
    const panos = new PanosClient(ctx);
    const commit = (verb: string) => panos.commit(`Cordon: ${verb} ${target.value} (${ctx.idempotencyKey})`);
    return {
      members: () => blockGroupMembers(panos),
      async add() {
        await addToGroup(panos, target, objectNote(input.comment, ctx.idempotencyKey, 1023));
        await commit('block');
      },
      async remove(members) {
        await removeFromGroup(panos, target, members);
        await commit('unblock');
      },
    };
  },
};

/** Members of the block group as committed (running config): what the firewall enforces now. */
export async function blockGroupMembers(panos: PanosClient): Promise<string[]> {
  const group = panos.settings.blockGroup;
  const entry = await panos.show(`${panos.vsysXpath}/address-group/entry[@name='${group}']`);
  if (!entry) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BLOCK_GROUP_NOT_FOUND',
      message:
        `address group "${group}" is not in the running config of ${panos.settings.vsys}; ` +
        'create it (and a deny rule using it), or set blockGroup',
      retryable: false,
    });
  }
  if (child(entry, 'dynamic')) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_SETTINGS',
      message: `address group "${group}" is dynamic; blockGroup must name a static group`,
      retryable: false,
    });
  }
  return staticMembers(entry);
}

async function addToGroup(panos: PanosClient, target: BlockTarget, note: string): Promise<void> {
  const value = target.kind === 'domain' ? `<fqdn>${target.value}</fqdn>` : ipNetmask(target);
  await panos.set(
    addressXpath(panos, target.objectName),
    `${value}<description>${escapeXml(note)}</description>`,
  );
  await panos.set(`${groupXpath(panos)}/static`, `<member>${target.objectName}</member>`);
}

async function removeFromGroup(panos: PanosClient, target: BlockTarget, members: string[]): Promise<void> {
  if (!members.some((m) => m !== target.objectName)) {
    await panos.set(addressXpath(panos, PLACEHOLDER.name), PLACEHOLDER.element);
    await panos.set(`${groupXpath(panos)}/static`, `<member>${PLACEHOLDER.name}</member>`);
  }
  // Gone from the candidate already (a retried step whose commit failed) is fine.
  await panos.delete(`${groupXpath(panos)}/static/member[text()='${target.objectName}']`);
  try {
    await panos.delete(addressXpath(panos, target.objectName));
  } catch (err) {
    // Tidying only: an object a rule or another group still uses stays, and blocks nothing more.
    if (!(err instanceof VendorError)) throw err;
  }
}

function ipNetmask(target: BlockTarget): string {
  return `<ip-netmask>${target.value}/${target.family === 6 ? 128 : 32}</ip-netmask>`;
}

function groupXpath(panos: PanosClient): string {
  return `${panos.vsysXpath}/address-group/entry[@name='${panos.settings.blockGroup}']`;
}

function addressXpath(panos: PanosClient, name: string): string {
  return `${panos.vsysXpath}/address/entry[@name='${name}']`;
}
