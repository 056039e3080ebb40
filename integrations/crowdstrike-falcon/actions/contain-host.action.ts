import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { containmentAction } from './containment';

/** Network-contains a host (`edr.isolate_host`); a contained or pending host is left alone. */
export const containHost = containmentAction({
  name: 'contain_host',
  contract: CAPABILITIES['edr.isolate_host'],
  actionName: 'contain',
  settled: ['contained', 'containment_pending'],
  pending: 'containment_pending',
});
