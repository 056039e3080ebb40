import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { moveAction } from './move-message';

/** Moves a message to the quarantine folder (`email.quarantine_message`); already there → already. */
export const quarantineMessage = moveAction({
  name: 'quarantine_message',
  contract: CAPABILITIES['email.quarantine_message'],
  destination: (settings) => settings.quarantineFolder,
  status: 'quarantined',
});
