import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { containHost } from './actions/contain-host.action';
import { findHost } from './actions/find-host.action';
import { liftContainment } from './actions/lift-containment.action';
import { createFalconFake } from './fake/falcon.fake';
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
};

export default falcon;
