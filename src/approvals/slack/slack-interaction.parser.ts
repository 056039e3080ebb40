import {
  APPROVAL_BLOCK_PREFIX,
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
} from '../../../integrations/slack/slack-blocks';

/** A click on an approval message's Approve or Reject button, as far as Cordon needs it. */
export interface ApprovalClick {
  approvalId: string;
  decision: 'APPROVE' | 'REJECT';
  userId: string;
  userName: string;
  teamId: string;
  /** What a replay would repeat: Slack makes a new trigger_id and action_ts for every click. */
  interactionKey: string;
  responseUrl: string | null;
}

export type ParsedInteraction =
  | { kind: 'approval'; click: ApprovalClick }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads Slack's `block_actions` payload (`payload=<url-encoded JSON>`). Nothing here is trusted
 * yet: the approval id only says whose signing secret to check the request with.
 */
export function parseInteraction(rawBody: Buffer): ParsedInteraction {
  const json = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (!json) return { kind: 'invalid', reason: 'the body has no payload field' };
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { kind: 'invalid', reason: 'the payload is not JSON' };
  }
  if (!payload || typeof payload !== 'object')
    return { kind: 'invalid', reason: 'the payload is not an object' };
  if (payload.type !== 'block_actions')
    return { kind: 'ignored', reason: `payload type ${String(payload.type)}` };
  const actions = Array.isArray(payload.actions) ? (payload.actions as Record<string, unknown>[]) : [];
  const action = actions.find(
    (a) =>
      typeof a?.block_id === 'string' &&
      a.block_id.startsWith(APPROVAL_BLOCK_PREFIX) &&
      (a.action_id === APPROVE_ACTION_ID || a.action_id === REJECT_ACTION_ID),
  );
  // Link buttons ("Open case") also post here; they need nothing from Cordon.
  if (!action) return { kind: 'ignored', reason: 'no approval button in the actions' };
  const approvalId = (action.block_id as string).slice(APPROVAL_BLOCK_PREFIX.length);
  if (!UUID.test(approvalId)) return { kind: 'invalid', reason: 'the approval id is malformed' };
  const user = (payload.user ?? {}) as Record<string, unknown>;
  const team = (payload.team ?? {}) as Record<string, unknown>;
  const userId = typeof user.id === 'string' ? user.id : '';
  const teamId = typeof team.id === 'string' ? team.id : typeof user.team_id === 'string' ? user.team_id : '';
  const actionTs = typeof action.action_ts === 'string' ? action.action_ts : '';
  const triggerId = typeof payload.trigger_id === 'string' ? payload.trigger_id : '';
  if (!userId || !teamId || (!actionTs && !triggerId))
    return { kind: 'invalid', reason: 'the payload lacks user, team or action_ts/trigger_id' };
  return {
    kind: 'approval',
    click: {
      approvalId,
      decision: action.action_id === APPROVE_ACTION_ID ? 'APPROVE' : 'REJECT',
      userId,
      userName:
        typeof user.username === 'string'
          ? user.username
          : typeof user.name === 'string'
            ? user.name
            : userId,
      teamId,
      interactionKey: `${triggerId}|${actionTs}`,
      responseUrl:
        typeof payload.response_url === 'string' && /^https?:\/\//.test(payload.response_url)
          ? payload.response_url
          : null,
    },
  };
}
