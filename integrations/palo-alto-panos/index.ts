import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { blockDomain } from './actions/block-domain.action';
import { blockIp } from './actions/block-ip.action';
import { unblockDomain } from './actions/unblock-domain.action';
import { unblockIp } from './actions/unblock-ip.action';
import { createPanosFake, PANOS_FAKE_API_KEY } from './fake/panos.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Palo Alto Networks PAN-OS: block and unblock IPs and domains through a committed address group. */
export const panos: IntegrationDefinition = {
  manifest,
  actions: {
    [blockIp.name]: blockIp,
    [unblockIp.name]: unblockIp,
    [blockDomain.name]: blockDomain,
    [unblockDomain.name]: unblockDomain,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createPanosFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    // The fake finishes a commit job on its second poll; no need to wait between polls.
    settings: { baseUrl: url, vsys: 'vsys1', blockGroup: 'cordon-blocklist', pollIntervalMs: 0 },
    secrets: { apiKey: PANOS_FAKE_API_KEY },
  }),
};

export default panos;
