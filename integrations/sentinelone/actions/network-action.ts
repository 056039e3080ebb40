import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { pollOptions, pollUntil } from '../../../src/integrations/kit/polling';
import { hostNotFound, hostStatus, requiredString, S1Client, type S1Agent } from '../sentinelone.client';

export interface NetworkInput {
  host_id: string;
  /** Accepted for the capability contract; the agent actions take no comment. */
  comment?: string;
}

export interface NetworkOutput extends Record<string, unknown> {
  host_id: string;
  status: string;
  already: boolean;
}

/**
 * Disconnect and connect share one shape: read the agent, stop if it is already where we want it
 * (so a retried step never acts twice), otherwise ask SentinelOne and poll the agent's
 * networkStatus until it gets there or the connection's bound is reached.
 */
export function networkAction(spec: {
  name: string;
  contract: CapabilityContract;
  action: 'disconnect' | 'connect';
  /** The networkStatus the action ends in, and the one it passes through. */
  target: 'disconnected' | 'connected';
  transitional: 'disconnecting' | 'connecting';
}): IntegrationAction<NetworkInput, NetworkOutput> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: NetworkInput): Promise<NetworkOutput> {
      const hostId = requiredString(input?.host_id, 'host_id');
      const s1 = new S1Client(ctx);
      const read = async (): Promise<S1Agent> =>
        (await s1.agent(hostId)) ?? fail(`no SentinelOne agent with id "${hostId}"`);
      /** Waits for the target state; until it shows, the host is on its way there. */
      const settle = async (agent: S1Agent): Promise<string> => {
        const last = await pollUntil({
          ctx,
          initial: agent,
          done: (a) => a.networkStatus === spec.target,
          read,
          options: pollOptions(ctx.connection.settings),
          progress: (a) => ({ agentId: a.id, networkStatus: a.networkStatus }),
        });
        return hostStatus(last.networkStatus === spec.target ? spec.target : spec.transitional);
      };

      const agent = await read();
      if (agent.networkStatus === spec.target) {
        return { host_id: hostId, status: hostStatus(spec.target), already: true };
      }
      if (agent.networkStatus === spec.transitional) {
        return { host_id: hostId, status: await settle(agent), already: true };
      }
      const affected = await s1.agentAction(spec.action, [hostId]);
      // The filter matched nothing (the agent went away, or the token's scope cannot see it).
      if (affected === 0)
        fail(`SentinelOne's ${spec.action} matched no agent with id "${hostId}" (affected: 0)`);
      return { host_id: hostId, status: await settle(await read()), already: false };
    },
  };
}

function fail(message: string): never {
  throw hostNotFound(message);
}
