import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { containmentAction } from './containment';

/** Fully isolates a machine (`edr.isolate_host`); an isolated or isolating machine is left alone. */
export const isolateMachine = containmentAction({
  name: 'isolate_machine',
  contract: CAPABILITIES['edr.isolate_host'],
  endpoint: 'isolate',
  settled: ['contained', 'containment_pending'],
  done: 'contained',
  pending: 'containment_pending',
  body: (comment) => ({ Comment: comment, IsolationType: 'Full' }),
});
