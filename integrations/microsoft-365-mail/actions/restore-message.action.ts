import { moveAction } from './move-message';

/** Moves a message back to the inbox (`email.restore_message`); already there → already. */
export const restoreMessage = moveAction('restore_message', 'email.restore_message', () => 'inbox');
