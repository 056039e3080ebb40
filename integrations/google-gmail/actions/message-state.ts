export interface MessageRef {
  mailbox: string;
  message_id: string;
}

/** Gmail ids are per mailbox and stable: trash and untrash only change labels. */
export interface MessageState extends Record<string, unknown> {
  mailbox: string;
  message_id: string;
  status: string;
  already: boolean;
}
