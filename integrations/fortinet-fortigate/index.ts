import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { blockDomain } from './actions/block-domain.action';
import { blockIp } from './actions/block-ip.action';
import { unblockDomain } from './actions/unblock-domain.action';
import { unblockIp } from './actions/unblock-ip.action';
import { createFortiGateFake, FORTIGATE_FAKE_API_TOKEN } from './fake/fortigate.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Fortinet FortiGate: block and unblock IPs and domains through address groups. */
export const fortigate: IntegrationDefinition = {
  manifest,
  actions: {
    [blockIp.name]: blockIp,
    [unblockIp.name]: unblockIp,
    [blockDomain.name]: blockDomain,
    [unblockDomain.name]: unblockDomain,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createFortiGateFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: {
      baseUrl: url,
      vdom: 'root',
      blockGroup: 'cordon-blocklist',
      blockGroup6: 'cordon-blocklist6',
    },
    secrets: { apiToken: FORTIGATE_FAKE_API_TOKEN },
  }),
};

export default fortigate;
