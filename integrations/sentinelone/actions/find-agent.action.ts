import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { hostNotFound, hostStatus, requiredString, S1Client, type S1Agent } from '../sentinelone.client';

export interface FindHostInput {
  hostname: string;
}

export interface FoundHost extends Record<string, unknown> {
  host_id: string;
  hostname: string;
  os?: string;
  ip?: string;
  status: string;
  last_seen?: string;
}

const contract = CAPABILITIES['edr.find_host'];
const PAGE = 50;

export const findAgent: IntegrationAction<FindHostInput, FoundHost> = {
  name: 'find_agent',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /** Finds the SentinelOne agent with this computer name (exact, case-insensitive); the most recently active wins. */
  async run(ctx: ActionContext, input: FindHostInput): Promise<FoundHost> {
    const hostname = requiredString(input?.hostname, 'hostname');
    const wanted = hostname.toLowerCase();
    const s1 = new S1Client(ctx);
    const same = (agents: S1Agent[]) => agents.filter((a) => a.computerName?.toLowerCase() === wanted);
    let agents = same(await s1.agents({ computerName: hostname, limit: PAGE }));
    if (!agents.length) {
      // Whether computerName= ignores case is not documented; computerName__contains does, so
      // fall back to it and keep only names equal but for case.
      agents = same(await s1.agents({ computerName__contains: hostname, limit: PAGE }));
    }
    const agent = mostRecent(agents);
    if (!agent) throw hostNotFound(`no SentinelOne agent named "${hostname}"`);
    return toHost(agent);
  },
};

/** A reinstalled agent leaves a stale record with the same name; the live one was active last. */
function mostRecent(agents: S1Agent[]): S1Agent | undefined {
  return [...agents].sort((a, b) => (b.lastActiveDate ?? '').localeCompare(a.lastActiveDate ?? ''))[0];
}

export function toHost(agent: S1Agent): FoundHost {
  const host: FoundHost = {
    host_id: agent.id,
    hostname: agent.computerName,
    status: hostStatus(agent.networkStatus),
  };
  const os = [agent.osName, agent.osRevision].filter(Boolean).join(' ');
  if (os) host.os = os;
  const ip = agent.networkInterfaces?.flatMap((n) => n.inet ?? [])[0] ?? agent.lastIpToMgmt;
  if (ip) host.ip = ip;
  if (agent.lastActiveDate) host.last_seen = agent.lastActiveDate;
  return host;
}
