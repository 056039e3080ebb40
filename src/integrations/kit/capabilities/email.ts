import { bool, contracts, object, str } from './contract';

const message = object(
  {
    mailbox: str('The mailbox (UPN or address) holding this copy'),
    message_id: str('Vendor id of this copy; changes when the message moves'),
    internet_message_id: str('RFC 5322 Message-ID, the same in every mailbox'),
    subject: str(),
    sender: str(),
    received_at: { type: 'string', format: 'date-time' },
  },
  ['mailbox', 'message_id'],
);

const messageRef = object({ mailbox: str(), message_id: str() }, ['mailbox', 'message_id']);

const messageState = object(
  {
    mailbox: str(),
    message_id: str('Vendor id after the call (Graph gives a moved message a new id)'),
    status: str('quarantined | restored'),
    already: bool('True when it was already in the requested state'),
  },
  ['mailbox', 'message_id', 'status', 'already'],
);

export const EMAIL = contracts([
  {
    name: 'email.search_messages',
    description:
      'Find copies of a message across mailboxes by Message-ID, sender or subject (at least one). ' +
      'Searches the given mailboxes, or every mailbox the connection may read.',
    mutating: false,
    input: object({
      internet_message_id: str(),
      sender: str(),
      subject: str(),
      mailboxes: { type: 'array', items: str(), description: 'Limit the search to these mailboxes' },
    }),
    output: object({ messages: { type: 'array', items: message }, count: { type: 'integer' } }, [
      'messages',
      'count',
    ]),
  },
  {
    name: 'email.quarantine_message',
    description: 'Move one copy out of the user’s reach (quarantine folder or trash). Idempotent.',
    mutating: true,
    input: messageRef,
    output: messageState,
  },
  {
    name: 'email.restore_message',
    description: 'Put a quarantined copy back in the inbox. Idempotent.',
    mutating: true,
    input: messageRef,
    output: messageState,
  },
  {
    name: 'email.block_sender',
    description:
      'Stop further mail from a sender reaching the given mailboxes (or all the connection serves).',
    mutating: true,
    input: object({ sender: str(), mailboxes: { type: 'array', items: str() } }, ['sender']),
    output: object(
      { sender: str(), blocked: bool('True once blocked'), already: bool('True when already blocked') },
      ['sender', 'blocked', 'already'],
    ),
  },
]);
