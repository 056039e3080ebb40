import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { networkAction } from './network-action';

/** Disconnects an agent from the network (`edr.isolate_host`); a disconnected or disconnecting one is left alone. */
export const disconnectAgent = networkAction({
  name: 'disconnect_agent',
  contract: CAPABILITIES['edr.isolate_host'],
  action: 'disconnect',
  target: 'disconnected',
  transitional: 'disconnecting',
});
