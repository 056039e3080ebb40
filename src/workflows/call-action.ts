import { isCancellation, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ActionActivities } from './activity-contract';
import { actionRetryPolicy } from './durations';
import { BUILTIN_ACTIONS, type RetrySpec } from './playbook.types';
import { failureInfo } from './run-control';
import type { RunContext } from './run-context';

/** Runs begun before this change called built-in actions as regular activities. */
const LOCAL_BUILTINS = 'builtin-actions-local';

type Options = { timeout?: string; retry?: RetrySpec; kind?: string };

/**
 * A built-in action is a short write to Cordon's own database, like the run's own records: it
 * runs as a local activity in the worker that holds the workflow task (no activity task, no
 * extra workflow task, no server round trip). A vendor's action stays a regular activity: it
 * may wait long on the vendor and heartbeats meanwhile, which a local activity cannot.
 */
function actionsFor(action: string, options: Options): ActionActivities {
  const startToCloseTimeout = options.timeout ?? '2m';
  const retry = actionRetryPolicy(options.retry);
  if (Object.hasOwn(BUILTIN_ACTIONS, action) && patched(LOCAL_BUILTINS))
    return proxyLocalActivities<ActionActivities>({ startToCloseTimeout, retry });
  return proxyActivities<ActionActivities>({
    startToCloseTimeout,
    // The activity beats every 10 s while it waits on a vendor, so a worker that died mid-call is
    // noticed after 30 s, not at startToClose. Options are not part of what replay compares.
    heartbeatTimeout: '30s',
    retry,
  });
}

/**
 * Calls one action (capability, vendor action or built-in) as an activity. The activity records
 * the attempt and its outcome under `stepId`; a dry run also keeps what was called.
 */
export async function callAction(
  run: RunContext,
  stepId: string,
  action: string,
  input: Record<string, unknown>,
  options: Options = {},
): Promise<Record<string, unknown>> {
  const actions = actionsFor(action, options);
  const dryRun = run.input.dryRun === true;
  try {
    const output = await actions.runAction({
      tenantId: run.tenantId,
      runId: run.runId,
      stepId,
      kind: options.kind ?? 'action',
      caseId: run.input.caseId,
      action,
      input,
      idempotencyKey: run.idempotencyKey(stepId),
      dryRun,
    });
    if (dryRun) run.calls.push({ stepId, action, input, output });
    return output;
  } catch (err) {
    if (dryRun && !isCancellation(err)) run.calls.push({ stepId, action, input, error: failureInfo(err) });
    throw err;
  }
}
