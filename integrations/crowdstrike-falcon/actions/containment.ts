import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { FalconClient, hostNotFound, hostStatus, VENDOR } from '../falcon.client';

export interface ContainmentInput {
  host_id: string;
  /** Accepted for the capability contract; Falcon's devices-actions v2 takes no comment. */
  comment?: string;
}

export interface ContainmentOutput extends Record<string, unknown> {
  host_id: string;
  status: string;
  already: boolean;
}

/**
 * Contain and lift share one shape: read the device, stop if it is already where we want it (so
 * a retried step never acts twice), otherwise ask Falcon and report the pending state.
 */
export function containmentAction(spec: {
  name: string;
  contract: CapabilityContract;
  actionName: 'contain' | 'lift_containment';
  /** Falcon statuses meaning the request is already done or under way. */
  settled: string[];
  /** Our status right after Falcon accepted the request. */
  pending: string;
}): IntegrationAction<ContainmentInput, ContainmentOutput> {
  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: ContainmentInput): Promise<ContainmentOutput> {
      const hostId = typeof input?.host_id === 'string' ? input.host_id.trim() : '';
      if (!hostId)
        throw new VendorError({
          vendor: VENDOR,
          code: 'BAD_INPUT',
          message: 'host_id is required',
          retryable: false,
        });
      const falcon = new FalconClient(ctx);
      const [device] = await falcon.devices([hostId]);
      if (!device) throw hostNotFound(`no Falcon host with id "${hostId}"`, 404);
      if (device.status && spec.settled.includes(device.status)) {
        return { host_id: hostId, status: hostStatus(device.status), already: true };
      }
      const res = await falcon.post<{ id: string }>(
        '/devices/entities/devices-actions/v2',
        { action_name: spec.actionName },
        { ids: [hostId] },
        [200, 202],
      );
      const accepted = (res.body?.resources ?? []).some((r) => r?.id === hostId);
      const refusal = res.body?.errors?.[0];
      if (!accepted && refusal) {
        throw new VendorError({
          vendor: VENDOR,
          status: res.status,
          code: String(refusal.code),
          message: refusal.message,
          retryable: false,
        });
      }
      return { host_id: hostId, status: spec.pending, already: false };
    },
  };
}
