import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { moveAction } from './move-message';

/** Moves a message back to the inbox (`email.restore_message`); already there → already. */
export const restoreMessage = moveAction({
  name: 'restore_message',
  contract: CAPABILITIES['email.restore_message'],
  destination: () => 'inbox',
  status: 'restored',
});
