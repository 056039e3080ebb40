import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { findMachine } from './actions/find-machine.action';
import { isolateMachine } from './actions/isolate-machine.action';
import { releaseMachine } from './actions/release-machine.action';
import { stopAndQuarantineFile } from './actions/stop-and-quarantine-file.action';
import {
  createMdeFake,
  MDE_FAKE_CLIENT_ID,
  MDE_FAKE_CLIENT_SECRET,
  MDE_FAKE_TENANT_ID,
} from './fake/microsoft-defender-endpoint.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Microsoft Defender for Endpoint: find machines, isolate and release them, quarantine files. */
export const defenderForEndpoint: IntegrationDefinition = {
  manifest,
  actions: {
    [findMachine.name]: findMachine,
    [isolateMachine.name]: isolateMachine,
    [releaseMachine.name]: releaseMachine,
    [stopAndQuarantineFile.name]: stopAndQuarantineFile,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createMdeFake(options),
  // The fake serves Entra's token endpoint too, so both URLs point at it. It settles machine
  // actions on reads, so polling needs no wait between reads.
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url, loginUrl: url, tenantId: MDE_FAKE_TENANT_ID, pollIntervalMs: 0 },
    secrets: { clientId: MDE_FAKE_CLIENT_ID, clientSecret: MDE_FAKE_CLIENT_SECRET },
  }),
};

export default defenderForEndpoint;
