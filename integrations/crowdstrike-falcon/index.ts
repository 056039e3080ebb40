import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { containHost } from './actions/contain-host.action';
import { findHost } from './actions/find-host.action';
import { liftContainment } from './actions/lift-containment.action';
import { createFalconFake, FALCON_FAKE_CLIENT_ID, FALCON_FAKE_CLIENT_SECRET } from './fake/falcon.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** CrowdStrike Falcon: find hosts, contain them and lift containment. */
export const falcon: IntegrationDefinition = {
  manifest,
  actions: {
    [findHost.name]: findHost,
    [containHost.name]: containHost,
    [liftContainment.name]: liftContainment,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createFalconFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url },
    secrets: { clientId: FALCON_FAKE_CLIENT_ID, clientSecret: FALCON_FAKE_CLIENT_SECRET },
  }),
};

export default falcon;
