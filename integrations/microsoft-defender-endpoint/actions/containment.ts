import type { CapabilityContract } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import {
  actionDidNotComplete,
  awaitMachineAction,
  isActive,
  isolationState,
  type HostStatus,
  type IsolationState,
} from '../machine-actions';
import {
  auditComment,
  hostNotFound,
  isAlreadyInProgress,
  MdeClient,
  requiredString,
  type MdeMachineAction,
} from '../mde.client';

export interface ContainmentInput {
  host_id: string;
  comment?: string;
}

export interface ContainmentOutput extends Record<string, unknown> {
  host_id: string;
  status: HostStatus;
  already: boolean;
}

/**
 * Isolate and release share one shape: read the machine's isolation state from its machine
 * actions, stop if it is already where we want it (so a retried step never acts twice), otherwise
 * ask Defender and poll the MachineAction until it settles or the connection's bound is reached.
 */
export function containmentAction(spec: {
  name: string;
  contract: CapabilityContract;
  endpoint: 'isolate' | 'unisolate';
  /** States meaning the request is already done or under way. */
  settled: HostStatus[];
  /** Our status once the action succeeded, and while it is still running. */
  done: HostStatus;
  pending: HostStatus;
  body: (comment: string) => Record<string, string>;
}): IntegrationAction<ContainmentInput, ContainmentOutput> {
  /** Where a machine action leaves the host: done, still on its way, or an error when it failed. */
  const statusAfter = (action: MdeMachineAction): HostStatus => {
    if (action.status === 'Succeeded') return spec.done;
    if (isActive(action)) return spec.pending;
    throw actionDidNotComplete(action);
  };

  return {
    name: spec.name,
    description: spec.contract.description,
    inputSchema: spec.contract.input,
    outputSchema: spec.contract.output,
    mutating: true,
    async run(ctx: ActionContext, input: ContainmentInput): Promise<ContainmentOutput> {
      const hostId = requiredString(input?.host_id, 'host_id');
      const mde = new MdeClient(ctx);
      if (!(await mde.machine(hostId)))
        throw hostNotFound(`Defender has no machine with id "${hostId}"`, 404);

      /** Reports a request already made (by us earlier, or by someone else), waiting for it like for our own. */
      const alreadyRequested = async (state: IsolationState): Promise<ContainmentOutput> => {
        const ours = spec.settled.includes(state.status) && state.action && isActive(state.action);
        const status =
          ours && state.action ? statusAfter(await awaitMachineAction(ctx, mde, state.action)) : state.status;
        return { host_id: hostId, status, already: true };
      };

      const before = isolationState(await mde.machineActions(hostId));
      if (spec.settled.includes(before.status)) return alreadyRequested(before);

      let action: MdeMachineAction;
      try {
        action = await mde.act(
          hostId,
          spec.endpoint,
          spec.body(auditComment(input.comment, ctx.idempotencyKey)),
        );
      } catch (err) {
        // Another caller (or an earlier attempt whose answer we lost) got there between our read
        // and our request: Defender refuses the duplicate with 400 "Action is already in progress".
        if (isAlreadyInProgress(err))
          return alreadyRequested(isolationState(await mde.machineActions(hostId)));
        throw err;
      }
      return {
        host_id: hostId,
        status: statusAfter(await awaitMachineAction(ctx, mde, action)),
        already: false,
      };
    },
  };
}
