import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { connectAgent } from './actions/connect-agent.action';
import { disconnectAgent } from './actions/disconnect-agent.action';
import { findAgent } from './actions/find-agent.action';
import { createSentinelOneFake, S1_FAKE_API_TOKEN } from './fake/sentinelone.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** SentinelOne: find agents, disconnect them from the network and reconnect them. */
export const sentinelOne: IntegrationDefinition = {
  manifest,
  actions: {
    [findAgent.name]: findAgent,
    [disconnectAgent.name]: disconnectAgent,
    [connectAgent.name]: connectAgent,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createSentinelOneFake(options),
  // The fake settles networkStatus on reads, so polling needs no wait between reads.
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url, pollIntervalMs: 0 },
    secrets: { apiToken: S1_FAKE_API_TOKEN },
  }),
};

export default sentinelOne;
