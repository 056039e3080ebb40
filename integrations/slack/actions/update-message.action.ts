import type {
  ActionContext,
  IntegrationAction,
  JsonSchema,
} from '../../../src/integrations/kit/integration.types';
import { escapeMrkdwn, textOnlyBlocks, type SlackBlock } from '../slack-blocks';
import { badInput, requiredText, SlackClient, type SlackPosted } from '../slack.client';

export interface UpdateMessageInput {
  channel: string;
  ts: string;
  text: string;
  blocks?: SlackBlock[];
}

export interface UpdateMessageOutput extends Record<string, unknown> {
  channel: string;
  ts: string;
}

const inputSchema: JsonSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string', description: 'Channel id (not a name) the message is in' },
    ts: { type: 'string', description: 'The message ts, as post_approval returned it' },
    text: {
      type: 'string',
      description: 'The new text, e.g. "Approved by @alice"; also the fallback for blocks',
    },
    blocks: {
      type: 'array',
      items: { type: 'object' },
      description: 'Block Kit blocks to show instead; when left out the message becomes the text alone',
    },
  },
  required: ['channel', 'ts', 'text'],
};

const outputSchema: JsonSchema = {
  type: 'object',
  properties: { channel: { type: 'string' }, ts: { type: 'string' } },
  required: ['channel', 'ts'],
};

export const updateMessage: IntegrationAction<UpdateMessageInput, UpdateMessageOutput> = {
  name: 'update_message',
  description:
    'Replaces a message the app posted (chat.update), e.g. an approval request with its outcome; ' +
    'its buttons go unless the new blocks carry them.',
  inputSchema,
  outputSchema,
  mutating: true,
  /** chat.update with explicit blocks, so the old buttons never linger. Repeating it changes nothing. */
  async run(ctx: ActionContext, input: UpdateMessageInput): Promise<UpdateMessageOutput> {
    const channel = requiredText(input?.channel, 'channel').trim();
    const ts = requiredText(input.ts, 'ts').trim();
    const text = requiredText(input.text, 'text');
    if (input.blocks !== undefined && !Array.isArray(input.blocks)) throw badInput('blocks must be an array');
    const updated = await new SlackClient(ctx).post<SlackPosted>('chat.update', {
      channel,
      ts,
      text: escapeMrkdwn(text),
      blocks: input.blocks ?? textOnlyBlocks(text),
    });
    return { channel: updated.channel, ts: updated.ts };
  },
};
