import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { sendMessage } from './actions/send-message.action';
import { createTeamsFake, TEAMS_FAKE_WEBHOOK_PATH } from './fake/microsoft-teams.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Microsoft Teams: notifications through a channel's incoming webhook. */
export const microsoftTeams: IntegrationDefinition = {
  manifest,
  actions: { [sendMessage.name]: sendMessage },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createTeamsFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: {},
    secrets: { webhookUrl: `${url}${TEAMS_FAKE_WEBHOOK_PATH}` },
  }),
};

export default microsoftTeams;
