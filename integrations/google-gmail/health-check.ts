import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { GmailClient } from './gmail.client';
import { parseMailboxList } from '../../src/integrations/kit/mailboxes';

/**
 * Proves the key, the delegation and the scopes: a token impersonating the first configured
 * mailbox and its Gmail profile; with no mailbox configured, a token for the service account itself.
 */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const gmail = new GmailClient(ctx);
  const [first] = parseMailboxList(gmail.settings.mailboxes);
  if (!first) {
    await gmail.serviceAccountToken();
    return;
  }
  await gmail.mailbox(first).get('/profile');
}
