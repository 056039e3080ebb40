import type { JsonSchema } from '../integration.types';

/**
 * A vendor-neutral contract. A playbook calls `edr.isolate_host`; the tenant's binding decides
 * whether CrowdStrike or Defender answers. Every integration claiming a capability must accept
 * this input and return this output (the conformance suite checks it against each fake).
 */
export interface CapabilityContract {
  name: string;
  description: string;
  mutating: boolean;
  input: JsonSchema;
  output: JsonSchema;
}

export const str = (description?: string): JsonSchema =>
  description ? { type: 'string', description } : { type: 'string' };

export const bool = (description: string): JsonSchema => ({ type: 'boolean', description });

export function object(
  properties: Record<string, JsonSchema>,
  required: string[] = [],
  description?: string,
): JsonSchema {
  return { type: 'object', properties, required, ...(description ? { description } : {}) };
}

/** Files contracts by name. */
export function contracts(list: CapabilityContract[]): Record<string, CapabilityContract> {
  return Object.fromEntries(list.map((c) => [c.name, c]));
}
