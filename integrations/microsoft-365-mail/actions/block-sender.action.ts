import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, GraphMailClient, requiredString, VENDOR, type GraphMessageRule } from '../graph-mail.client';
import { mapLimit, targetMailboxes } from '../../../src/integrations/kit/mailboxes';

export interface BlockSenderInput {
  sender: string;
  mailboxes?: string[];
}

export interface BlockSenderOutput extends Record<string, unknown> {
  sender: string;
  blocked: boolean;
  already: boolean;
}

const contract = CAPABILITIES['email.block_sender'];
const PARALLEL_MAILBOXES = 4;

export const blockSender: IntegrationAction<BlockSenderInput, BlockSenderOutput> = {
  name: 'block_sender',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Adds an inbox rule "sender contains X → delete" to each mailbox that has no rule deleting X's
   * mail yet. `already` is true only when every mailbox had one.
   */
  async run(ctx: ActionContext, input: BlockSenderInput): Promise<BlockSenderOutput> {
    const sender = requiredString(input, 'sender').toLowerCase();
    const graph = new GraphMailClient(ctx);
    const mailboxes = targetMailboxes(VENDOR, input?.mailboxes, graph.settings.mailboxes);
    const created = await mapLimit(mailboxes, PARALLEL_MAILBOXES, async (mailbox) => {
      const rulesPath = `/users/${enc(mailbox)}/mailFolders/inbox/messageRules`;
      const rules = await graph.collect<GraphMessageRule>(rulesPath, {});
      if (rules.some((rule) => blocks(rule, sender))) return false;
      await graph.post(
        rulesPath,
        {
          displayName: `Cordon: block ${sender}`,
          sequence: 1,
          isEnabled: true,
          conditions: { senderContains: [sender] },
          actions: { delete: true, stopProcessingRules: true },
        },
        [201],
      );
      return true;
    });
    return { sender, blocked: true, already: !created.some(Boolean) };
  },
};

/**
 * An enabled rule that deletes all mail from this sender: `senderContains` is a substring match; a
 * rule with further conditions or exceptions catches only some of it and does not count.
 */
export function blocks(rule: GraphMessageRule, sender: string): boolean {
  if (rule.isEnabled === false) return false;
  if (!rule.actions?.delete && !rule.actions?.permanentDelete) return false;
  const narrower = Object.entries(rule.conditions ?? {}).some(
    ([key, value]) => !SENDER_CONDITIONS.has(key) && isSet(value),
  );
  if (narrower || isSet(rule.exceptions)) return false;
  const contains = (rule.conditions?.senderContains ?? []).some(
    (part) => typeof part === 'string' && part.trim() && sender.includes(part.trim().toLowerCase()),
  );
  const exact = (rule.conditions?.fromAddresses ?? []).some(
    (r) => r.emailAddress?.address?.toLowerCase() === sender,
  );
  return contains || exact;
}

const SENDER_CONDITIONS = new Set(['senderContains', 'fromAddresses']);

/** Graph sends unset conditions as null, [] or false. */
function isSet(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return true;
}
