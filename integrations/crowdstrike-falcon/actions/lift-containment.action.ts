import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { containmentAction } from './containment';

/** Lifts network containment (`edr.release_host`); a normal or releasing host is left alone. */
export const liftContainment = containmentAction({
  name: 'lift_containment',
  contract: CAPABILITIES['edr.release_host'],
  actionName: 'lift_containment',
  settled: ['normal', 'lift_containment_pending'],
  pending: 'release_pending',
});
