import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { isolationState, type HostStatus } from '../machine-actions';
import { hostNotFound, MdeClient, odataString, requiredString, type MdeMachine } from '../mde.client';

export interface FindHostInput {
  hostname: string;
}

export interface FoundHost extends Record<string, unknown> {
  host_id: string;
  hostname: string;
  os?: string;
  ip?: string;
  status: HostStatus;
  last_seen?: string;
}

const contract = CAPABILITIES['edr.find_host'];

export const findMachine: IntegrationAction<FindHostInput, FoundHost> = {
  name: 'find_machine',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /**
   * Finds the Defender machine with this name, short ("WS-01") or fully qualified
   * ("ws-01.contoso.com"), regardless of case; the most recently seen record wins.
   */
  async run(ctx: ActionContext, input: FindHostInput): Promise<FoundHost> {
    const wanted = requiredString(input?.hostname, 'hostname').toLowerCase();
    const mde = new MdeClient(ctx);
    // computerDnsName is the FQDN for domain-joined machines and the bare name otherwise; a prefix
    // query finds both, and the exact comparison below drops "ws-010" when "ws-01" was asked.
    const candidates = await mde.machines(`startswith(computerDnsName,${odataString(wanted)})`);
    const machine = mostRecent(candidates.filter((m) => nameMatches(m.computerDnsName, wanted)));
    if (!machine) throw hostNotFound(`no Defender machine named "${input.hostname.trim()}"`);
    const { status } = isolationState(await mde.machineActions(machine.id));
    return toHost(machine, status);
  },
};

function nameMatches(computerDnsName: string | undefined, wanted: string): boolean {
  const name = (computerDnsName ?? '').toLowerCase();
  return name === wanted || (!wanted.includes('.') && name.startsWith(`${wanted}.`));
}

/** A re-imaged or re-onboarded machine leaves a stale record with the same name. */
function mostRecent(machines: MdeMachine[]): MdeMachine | undefined {
  return [...machines].sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))[0];
}

/** `hostname` is the host's name without its DNS domain, as the other EDRs report it. */
export function toHost(machine: MdeMachine, status: HostStatus): FoundHost {
  const host: FoundHost = {
    host_id: machine.id,
    hostname: machine.computerDnsName.split('.')[0] ?? machine.computerDnsName,
    status,
  };
  const os = [machine.osPlatform, machine.version].filter(Boolean).join(' ');
  if (os) host.os = os;
  if (machine.lastIpAddress) host.ip = machine.lastIpAddress;
  if (machine.lastSeen) host.last_seen = machine.lastSeen;
  return host;
}
