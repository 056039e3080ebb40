import { messageStateAction } from '../../../src/integrations/kit/mailboxes';
import {
  enc,
  GraphMailClient,
  VENDOR,
  type GraphMailSettings,
  type GraphMessage,
} from '../graph-mail.client';

/**
 * Quarantine and restore are one move: read the message and the destination folder, stop if the
 * message already sits there (a repeat, or a retried step), otherwise move it. Graph gives a moved
 * message a new id, which is what we return.
 */
export function moveAction(
  name: string,
  capability: 'email.quarantine_message' | 'email.restore_message',
  /** Folder id or well-known name to move to. */
  destination: (settings: GraphMailSettings) => string,
) {
  return messageStateAction(name, capability, {
    vendor: VENDOR,
    async apply(ctx, mailbox, messageId) {
      const graph = new GraphMailClient(ctx);
      const to = destination(graph.settings);
      const message = await graph.message(mailbox, messageId);
      const folder = await graph.folder(mailbox, to);
      if (message.parentFolderId === folder.id) return { already: true, messageId: message.id };
      const moved = await graph.post<GraphMessage>(
        `/users/${enc(mailbox)}/messages/${enc(messageId)}/move`,
        { destinationId: to },
        [200, 201],
      );
      return { already: false, messageId: moved.body?.id || messageId };
    },
  });
}
