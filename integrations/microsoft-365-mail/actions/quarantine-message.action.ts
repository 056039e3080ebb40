import { moveAction } from './move-message';

/** Moves a message to the quarantine folder (`email.quarantine_message`); already there → already. */
export const quarantineMessage = moveAction(
  'quarantine_message',
  'email.quarantine_message',
  (settings) => settings.quarantineFolder,
);
