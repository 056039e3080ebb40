import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { enc, GraphMailClient } from './graph-mail.client';
import { parseMailboxList } from '../../src/integrations/kit/mailboxes';

/**
 * Proves the tenant, the credentials and (when mailboxes are configured) mail access: a token, then
 * the first configured mailbox's inbox folder.
 */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const graph = new GraphMailClient(ctx);
  await graph.token();
  const [first] = parseMailboxList(graph.settings.mailboxes);
  if (first) await graph.get(`/users/${enc(first)}/mailFolders/inbox`, { $select: 'id' });
}
