import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { readBlockTarget, type BlockTarget } from '../../../src/integrations/kit/firewall-target';
import { PanosClient, staticMembers, VENDOR } from '../panos.client';
import { child, escapeXml } from '../panos-xml';

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
 * Block and unblock share one shape: read the block group's members in the running config; stop
 * if the object is already where we want it (a retried step never commits twice); otherwise edit
 * the candidate config, commit and wait for the commit job.
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
      const panos = new PanosClient(ctx);
      const members = await blockGroupMembers(panos);
      const output = (blocked: boolean, already: boolean): BlockOutput => ({
        [spec.kind]: target.value,
        blocked,
        already,
        object_name: target.objectName,
      });
      if (members.includes(target.objectName) === spec.block) return output(spec.block, true);
      if (spec.block) await addToGroup(panos, target, input.comment, ctx.idempotencyKey);
      else await removeFromGroup(panos, target, members);
      await panos.commit(
        `Cordon: ${spec.block ? 'block' : 'unblock'} ${target.value} (${ctx.idempotencyKey})`,
      );
      return output(spec.block, false);
    },
  };
}

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

async function addToGroup(
  panos: PanosClient,
  target: BlockTarget,
  comment: string | undefined,
  idempotencyKey: string,
): Promise<void> {
  const value = target.kind === 'domain' ? `<fqdn>${target.value}</fqdn>` : ipNetmask(target);
  const note = [typeof comment === 'string' ? comment.trim() : '', `(Cordon ${idempotencyKey})`]
    .filter(Boolean)
    .join(' ')
    .slice(0, 1023);
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
