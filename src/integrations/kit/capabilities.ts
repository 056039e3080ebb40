import type { JsonSchema } from './integration.types';

/**
 * Vendor-neutral contracts. A playbook calls `edr.isolate_host`; the tenant's binding decides
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

const host: JsonSchema = {
  type: 'object',
  properties: {
    host_id: { type: 'string', description: 'Vendor id of the host (Falcon AID, MDE machine id, …)' },
    hostname: { type: 'string' },
    os: { type: 'string', description: 'Platform and version, e.g. "Windows 10.0.19045"' },
    ip: { type: 'string' },
    status: { type: 'string', description: 'normal | containment_pending | contained | release_pending' },
    last_seen: { type: 'string', format: 'date-time' },
  },
  required: ['host_id', 'hostname', 'status'],
};

const containment: JsonSchema = {
  type: 'object',
  properties: {
    host_id: { type: 'string' },
    status: { type: 'string', description: 'The host containment status after the call' },
    already: { type: 'boolean', description: 'True when the host was already in the requested state' },
  },
  required: ['host_id', 'status', 'already'],
};

const hostAction: JsonSchema = {
  type: 'object',
  properties: {
    host_id: { type: 'string' },
    comment: { type: 'string', description: 'Why, for the vendor audit trail' },
  },
  required: ['host_id'],
};

export const CAPABILITIES: Record<string, CapabilityContract> = {
  'edr.find_host': {
    name: 'edr.find_host',
    description: 'Find one host by hostname (exact match, case-insensitive). Fails if none matches.',
    mutating: false,
    input: { type: 'object', properties: { hostname: { type: 'string' } }, required: ['hostname'] },
    output: host,
  },
  'edr.isolate_host': {
    name: 'edr.isolate_host',
    description: 'Network-contain a host. Idempotent: an already contained host is not contained again.',
    mutating: true,
    input: hostAction,
    output: containment,
  },
  'edr.release_host': {
    name: 'edr.release_host',
    description: 'Lift network containment. Idempotent: a host not contained is left as it is.',
    mutating: true,
    input: hostAction,
    output: containment,
  },
};

export function capabilityFamily(capability: string): string {
  return capability.split('.')[0] ?? capability;
}
