/**
 * Test support: button clicks exactly as Slack delivers them to an app's Request URL — a
 * `block_actions` payload, form-encoded as `payload=<json>`, signed with the app's signing secret.
 */
import { randomBytes } from 'node:crypto';
import { APPROVAL_BLOCK_PREFIX, APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../slack-blocks';
import { signSlackRequest } from '../slack-signature';
import { FAKE_BOT, FAKE_TEAM } from './workspace';

export interface SlackUserRef {
  id: string;
  username: string;
  name: string;
  team_id: string;
}

export interface BlockAction {
  type: 'button';
  action_id: string;
  block_id: string;
  text: { type: 'plain_text'; text: string; emoji?: boolean };
  value?: string;
  style?: string;
  action_ts: string;
}

/** The fields of Slack's block_actions payload for a button in a channel message. */
export interface BlockActionsPayload {
  type: 'block_actions';
  user: SlackUserRef;
  api_app_id: string;
  token: string;
  container: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean };
  trigger_id: string;
  team: { id: string; domain: string };
  enterprise: null;
  is_enterprise_install: boolean;
  channel: { id: string; name: string };
  message: Record<string, unknown>;
  state: { values: Record<string, unknown> };
  response_url: string;
  actions: BlockAction[];
}

export interface SignedInteraction {
  /** The raw request body: `payload=<url-encoded JSON>`. Sign and send these exact bytes. */
  body: string;
  headers: {
    'content-type': 'application/x-www-form-urlencoded';
    'x-slack-request-timestamp': string;
    'x-slack-signature': string;
  };
  payload: BlockActionsPayload;
}

export const FAKE_CLICKER: SlackUserRef = {
  id: 'U0ALICE0001',
  username: 'alice',
  name: 'alice',
  team_id: FAKE_TEAM.id,
};

/** Builds the payload Slack sends when `user` clicks `action` on `message` in `channel`. */
export function blockActionsPayload(args: {
  channel: { id: string; name: string };
  message: Record<string, unknown> & { ts: string };
  action: Omit<BlockAction, 'action_ts' | 'type'>;
  user?: SlackUserRef;
  responseUrl?: string;
  nowMs?: number;
}): BlockActionsPayload {
  const now = args.nowMs ?? Date.now();
  const actionTs = `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    user: args.user ?? FAKE_CLICKER,
    api_app_id: FAKE_BOT.appId,
    // The deprecated verification token; Slack still sends one.
    token: 'fakeVerificationToken0001',
    container: {
      type: 'message',
      message_ts: args.message.ts,
      channel_id: args.channel.id,
      is_ephemeral: false,
    },
    trigger_id: `${Date.now()}.${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(16).toString('hex')}`,
    team: { id: FAKE_TEAM.id, domain: FAKE_TEAM.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: args.channel,
    message: args.message,
    state: { values: {} },
    response_url:
      args.responseUrl ??
      `https://hooks.slack.com/actions/${FAKE_TEAM.id}/${Date.now()}/${randomBytes(12).toString('base64url')}`,
    actions: [{ type: 'button', ...args.action, action_ts: actionTs }],
  };
}

/** Form-encodes and signs a payload as Slack does, at `timestamp` (seconds; now by default). */
export function signInteraction(
  payload: BlockActionsPayload,
  signingSecret: string,
  timestamp = Math.floor(Date.now() / 1000),
): SignedInteraction {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
    },
    payload,
  };
}

/**
 * A signed click on the Approve or Reject button of a Cordon approval message, without a fake:
 * for tests that know the approval id and the message's channel and ts.
 */
export function approvalClick(args: {
  signingSecret: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  channel: { id: string; name: string };
  messageTs: string;
  user?: SlackUserRef;
  responseUrl?: string;
  timestamp?: number;
}): SignedInteraction {
  const approve = args.decision === 'approve';
  const payload = blockActionsPayload({
    channel: args.channel,
    message: { type: 'message', ts: args.messageTs, user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId },
    action: {
      action_id: approve ? APPROVE_ACTION_ID : REJECT_ACTION_ID,
      block_id: `${APPROVAL_BLOCK_PREFIX}${args.approvalId}`,
      text: { type: 'plain_text', text: approve ? 'Approve' : 'Reject', emoji: true },
      value: args.approvalId,
      style: approve ? 'primary' : 'danger',
    },
    user: args.user,
    responseUrl: args.responseUrl,
  });
  return signInteraction(payload, args.signingSecret, args.timestamp);
}
