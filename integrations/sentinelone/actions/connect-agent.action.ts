import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { networkAction } from './network-action';

/** Reconnects an agent to the network (`edr.release_host`); a connected or connecting one is left alone. */
export const connectAgent = networkAction({
  name: 'connect_agent',
  contract: CAPABILITIES['edr.release_host'],
  action: 'connect',
  target: 'connected',
  transitional: 'connecting',
});
