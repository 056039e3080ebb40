import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { postApproval } from './actions/post-approval.action';
import { sendMessage } from './actions/send-message.action';
import { updateMessage } from './actions/update-message.action';
import {
  createSlackFake,
  SLACK_FAKE_BOT_TOKEN,
  SLACK_FAKE_DEFAULT_CHANNEL,
  SLACK_FAKE_SIGNING_SECRET,
} from './fake/slack.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Slack: notifications, and approval requests with buttons. */
export const slack: IntegrationDefinition = {
  manifest,
  actions: {
    [sendMessage.name]: sendMessage,
    [postApproval.name]: postApproval,
    [updateMessage.name]: updateMessage,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createSlackFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url, defaultChannel: SLACK_FAKE_DEFAULT_CHANNEL },
    secrets: { botToken: SLACK_FAKE_BOT_TOKEN, signingSecret: SLACK_FAKE_SIGNING_SECRET },
  }),
};

export default slack;
