import type {
  ActionContext,
  IntegrationAction,
  JsonSchema,
} from '../../../src/integrations/kit/integration.types';
import { SentLedger } from '../../../src/integrations/kit/sent-ledger';
import { approvalMessage } from '../slack-blocks';
import {
  badInput,
  checkLink,
  optionalText,
  requiredText,
  SlackClient,
  type SlackPosted,
} from '../slack.client';

export interface PostApprovalInput {
  approval_id: string;
  prompt: string;
  case?: string;
  target?: string;
  deadline?: string;
  channel?: string;
  link?: string;
}

export interface PostApprovalOutput extends Record<string, unknown> {
  channel: string;
  ts: string;
}

const inputSchema: JsonSchema = {
  type: 'object',
  properties: {
    approval_id: { type: 'string', description: 'Cordon approval id; the buttons carry it back' },
    prompt: { type: 'string', description: 'The question, e.g. "Contain WS-01?"' },
    case: { type: 'string', description: 'The case it is about (number or title)' },
    target: { type: 'string', description: 'What the approved action acts on (host, user, IP…)' },
    deadline: { type: 'string', format: 'date-time', description: 'When the request times out' },
    channel: {
      type: 'string',
      description: 'Channel id or e-mail address; the connection default when left out',
    },
    link: { type: 'string', description: 'A URL to the case or approval in Cordon' },
  },
  required: ['approval_id', 'prompt'],
};

const outputSchema: JsonSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string', description: 'Channel id the message is in' },
    ts: { type: 'string', description: 'Message timestamp: its id within the channel' },
  },
  required: ['channel', 'ts'],
};

const ledger = new SentLedger<PostApprovalOutput>();

export const postApproval: IntegrationAction<PostApprovalInput, PostApprovalOutput> = {
  name: 'post_approval',
  description:
    'Posts an interactive approval request (Approve / Reject buttons in block `approval:<approval_id>`) ' +
    'and returns the channel and ts to update the message with once decided.',
  inputSchema,
  outputSchema,
  mutating: true,
  /** chat.postMessage with Block Kit buttons; the click comes back to Cordon's interaction endpoint. */
  async run(ctx: ActionContext, input: PostApprovalInput): Promise<PostApprovalOutput> {
    const approvalId = requiredText(input?.approval_id, 'approval_id').trim();
    // block_id is at most 255 characters, "approval:" included.
    if (approvalId.length > 200 || /\s/.test(approvalId))
      throw badInput('approval_id must be at most 200 characters, without spaces');
    const message = approvalMessage({
      approvalId,
      prompt: requiredText(input.prompt, 'prompt'),
      caseRef: optionalText(input.case, 'case'),
      target: optionalText(input.target, 'target'),
      deadline: optionalText(input.deadline, 'deadline'),
      link: checkLink(input.link),
    });
    const earlier = ledger.recall(ctx, input);
    if (earlier) return earlier;

    const slack = new SlackClient(ctx);
    const channel = await slack.destination(optionalText(input.channel, 'channel'));
    const posted = await slack.post<SlackPosted>('chat.postMessage', {
      channel,
      ...message,
      unfurl_links: false,
      unfurl_media: false,
      // Findable later (conversations.history include_all_metadata) without parsing blocks.
      metadata: { event_type: 'cordon_approval_requested', event_payload: { approval_id: approvalId } },
    });
    const output = { channel: posted.channel, ts: posted.ts };
    ledger.remember(ctx, input, output);
    return output;
  },
};
