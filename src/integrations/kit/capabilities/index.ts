import type { CapabilityContract } from './contract';
import { EDR } from './edr';
import { EMAIL } from './email';
import { FIREWALL } from './firewall';
import { IDENTITY } from './identity';
import { INTEL_NOTIFY } from './intel-notify';

export type { CapabilityContract } from './contract';

/** Every capability a playbook may call, by name. Adding one here is how a new contract starts. */
export const CAPABILITIES: Record<string, CapabilityContract> = {
  ...EDR,
  ...IDENTITY,
  ...FIREWALL,
  ...EMAIL,
  ...INTEL_NOTIFY,
};

export function capabilityFamily(capability: string): string {
  return capability.split('.')[0] ?? capability;
}
