import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { clearSessions } from './actions/clear-sessions.action';
import { findUser } from './actions/find-user.action';
import { resetFactors } from './actions/reset-factors.action';
import { suspendUser } from './actions/suspend-user.action';
import { unsuspendUser } from './actions/unsuspend-user.action';
import { createOktaFake, OKTA_FAKE_API_TOKEN } from './fake/okta.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Okta: find users, suspend and unsuspend them, clear their sessions, reset their factors. */
export const okta: IntegrationDefinition = {
  manifest,
  actions: {
    [findUser.name]: findUser,
    [suspendUser.name]: suspendUser,
    [unsuspendUser.name]: unsuspendUser,
    [clearSessions.name]: clearSessions,
    [resetFactors.name]: resetFactors,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createOktaFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url },
    secrets: { apiToken: OKTA_FAKE_API_TOKEN },
  }),
};

export default okta;
