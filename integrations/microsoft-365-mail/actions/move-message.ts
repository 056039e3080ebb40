import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import {
  enc,
  GraphMailClient,
  requiredString,
  type GraphMailSettings,
  type GraphMessage,
} from '../graph-mail.client';

export interface MessageRef {
  mailbox: string;
  message_id: string;
}

export interface MessageState extends Record<string, unknown> {
  mailbox: string;
  message_id: string;
  status: string;
  already: boolean;
}

/**
 * Quarantine and restore share one shape: read the message and the destination folder, stop if the
 * message already sits there (a repeat, or a retried step), otherwise move it. Graph gives a moved
 * message a new id, which is what we return.
 */
export function moveAction(spec: {
  name: string;
  contract: CapabilityContract;
  /** Folder id or well-known name to move to. */
  destination: (settings: GraphMailSettings) => string;
  status: 'quarantined' | 'restored';
}): IntegrationAction<MessageRef, MessageState> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: MessageRef): Promise<MessageState> {
      const mailbox = requiredString(input, 'mailbox');
      const messageId = requiredString(input, 'message_id');
      const graph = new GraphMailClient(ctx);
      const destination = spec.destination(graph.settings);
      const message = await graph.message(mailbox, messageId);
      const folder = await graph.folder(mailbox, destination);
      if (message.parentFolderId === folder.id) {
        return { mailbox, message_id: message.id, status: spec.status, already: true };
      }
      const moved = await graph.post<GraphMessage>(
        `/users/${enc(mailbox)}/messages/${enc(messageId)}/move`,
        { destinationId: destination },
        [200, 201],
      );
      return { mailbox, message_id: moved.body?.id || messageId, status: spec.status, already: false };
    },
  };
}
