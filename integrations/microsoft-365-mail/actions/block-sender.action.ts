import { blockSenderAction } from '../../../src/integrations/kit/mailboxes';
import { enc, GraphMailClient, VENDOR, type GraphMessageRule } from '../graph-mail.client';

/**
 * Adds an inbox rule "sender contains X → delete" to each mailbox that has no rule deleting X's
 * mail yet (`email.block_sender`).
 */
export const blockSender = blockSenderAction('block_sender', {
  vendor: VENDOR,
  open(ctx, sender) {
    const graph = new GraphMailClient(ctx);
    return {
      mailboxSetting: graph.settings.mailboxes,
      async each(mailbox) {
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
      },
    };
  },
});

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
