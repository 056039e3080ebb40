import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { VENDOR, type MdeClient, type MdeMachineAction } from './mde.client';
import { pollOptions, pollUntil } from '../../src/integrations/kit/polling';

/** The containment vocabulary of the `edr.*` capabilities. */
export type HostStatus = 'normal' | 'containment_pending' | 'contained' | 'release_pending';

const ACTIVE = new Set(['Pending', 'InProgress']);
/** Statuses of an action that did (or will) take effect; Failed, TimeOut and Cancelled did not. */
const LIVE = new Set(['Pending', 'InProgress', 'Succeeded']);

export function isActive(action: MdeMachineAction): boolean {
  return ACTIVE.has(action.status);
}

export function newest(actions: MdeMachineAction[]): MdeMachineAction | undefined {
  return [...actions].sort((a, b) =>
    (b.creationDateTimeUtc ?? '').localeCompare(a.creationDateTimeUtc ?? ''),
  )[0];
}

export interface IsolationState {
  status: HostStatus;
  /** The action the state comes from; none when the machine was never isolated. */
  action?: MdeMachineAction;
}

/**
 * Defender's machine entity carries no isolation flag: the state is that of the newest Isolate or
 * Unisolate action that did not fail. No such action means the machine was never isolated.
 */
export function isolationState(actions: MdeMachineAction[]): IsolationState {
  const latest = newest(
    actions.filter((a) => (a.type === 'Isolate' || a.type === 'Unisolate') && LIVE.has(a.status)),
  );
  if (!latest) return { status: 'normal' };
  const done = latest.status === 'Succeeded';
  if (latest.type === 'Isolate')
    return { status: done ? 'contained' : 'containment_pending', action: latest };
  return { status: done ? 'normal' : 'release_pending', action: latest };
}

/** Polls a machine action until it leaves Pending/InProgress or the connection's bound is reached. */
export function awaitMachineAction(
  ctx: Pick<ActionContext, 'connection' | 'signal' | 'heartbeat'>,
  mde: MdeClient,
  action: MdeMachineAction,
): Promise<MdeMachineAction> {
  return pollUntil({
    ctx,
    initial: action,
    done: (a) => !isActive(a),
    read: () => mde.machineAction(action.id),
    options: pollOptions(ctx.connection.settings),
    progress: (a) => ({ machineActionId: a.id, type: a.type, status: a.status }),
  });
}

/** A containment action that ended without taking effect: the analyst must look at the machine. */
export function actionDidNotComplete(action: MdeMachineAction): VendorError {
  return new VendorError({
    vendor: VENDOR,
    code: `ACTION_${action.status.toUpperCase()}`,
    message: `Defender's ${action.type} action ${action.id} ended ${action.status}`,
    retryable: false,
  });
}
