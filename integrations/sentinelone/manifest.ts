import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from '../../src/integrations/kit/polling';

export const manifest: IntegrationManifest = {
  id: 'sentinelone',
  vendor: 'SentinelOne',
  product: 'Singularity Endpoint',
  category: 'edr',
  version: '1.0.0',
  docsUrl: 'https://www.sentinelone.com/platform/singularity-endpoint/',
  description:
    'Find agents, disconnect them from the network and reconnect them through the SentinelOne management API (v2.1).',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      description:
        'URL of your SentinelOne management console, e.g. https://usea1-acme.sentinelone.net (the API path /web/api/v2.1 is added)',
    },
    pollIntervalMs: {
      type: 'number',
      required: false,
      default: DEFAULT_POLL_INTERVAL_MS,
      description: 'Milliseconds between two reads of an agent whose network status is changing',
    },
    pollTimeoutMs: {
      type: 'number',
      required: false,
      default: DEFAULT_POLL_TIMEOUT_MS,
      description:
        'How long an action waits for the agent to reach disconnected/connected before reporting it pending (an offline agent stays pending)',
    },
  },
  secrets: {
    apiToken: {
      required: true,
      description:
        'API token of a service user (preferred) or console user whose role may view endpoints and disconnect/reconnect them; ' +
        'tokens expire as set in the console, so rotate it before then',
    },
  },
  capabilities: {
    'edr.find_host': 'find_agent',
    'edr.isolate_host': 'disconnect_agent',
    'edr.release_host': 'connect_agent',
  },
};
