import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { containmentAction } from './containment';

/** Releases a machine from isolation (`edr.release_host`); a machine not isolated is left alone. */
export const releaseMachine = containmentAction({
  name: 'release_machine',
  contract: CAPABILITIES['edr.release_host'],
  endpoint: 'unisolate',
  settled: ['normal', 'release_pending'],
  done: 'normal',
  pending: 'release_pending',
  body: (comment) => ({ Comment: comment }),
});
