import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { ActionActivities, RunActionArgs } from './activity-contract';
import { actionRetryPolicy, durationMs } from './durations';
import { BUILTIN_ACTIONS, type RetrySpec } from './playbook.types';
import { failureInfo } from './run-control';
import type { RunContext } from './run-context';

/** Runs begun before these changes called built-in actions, then vendor actions, as regular activities. */
const LOCAL_BUILTINS = 'builtin-actions-local';
const LOCAL_VENDOR_CALLS = 'vendor-calls-local-first';

/**
 * The longest a vendor call may hold the workflow task as a local activity. Under the SDK's
 * workflow task heartbeat (80 % of the task's 10 s timeout), so a quick call never costs one.
 */
const LOCAL_CALL_MS = 5_000;

type Options = { timeout?: string; retry?: RetrySpec; kind?: string };
/** A step's per-attempt timeout and retry policy, as the playbook set them. */
type Attempts = { timeout: string; retry: RetryPolicy };

function regularActions(startToCloseTimeout: string, retry: RetryPolicy): ActionActivities {
  return proxyActivities<ActionActivities>({
    startToCloseTimeout,
    // The activity beats every 10 s while it waits on a vendor, so a worker that died mid-call is
    // noticed after 30 s, not at startToClose. Options are not part of what replay compares.
    heartbeatTimeout: '30s',
    retry,
  });
}

/**
 * A built-in action is a short write to Cordon's own database, like the run's own records: it
 * runs as a local activity in the worker that holds the workflow task (no activity task, no
 * extra workflow task, no server round trip).
 */
function runBuiltin(args: RunActionArgs, { timeout, retry }: Attempts): Promise<Record<string, unknown>> {
  if (!patched(LOCAL_BUILTINS)) return regularActions(timeout, retry).runAction(args);
  return proxyLocalActivities<ActionActivities>({ startToCloseTimeout: timeout, retry }).runAction(args);
}

/**
 * A vendor's action: the first attempt is a local activity, in the worker that holds the
 * workflow task, bounded by LOCAL_CALL_MS. Most calls answer well within it, and then the run
 * costs Temporal no activity task, no second workflow task and no round trip between the
 * decision and the vendor call (the `peer` bench's containments per second). A call that fails
 * in a way worth retrying, or is slower (a poll for a vendor's job, a hung vendor, a Retry-After
 * wait), carries on as a regular activity with the step's remaining attempts: it heartbeats,
 * shows its progress and leaves the workflow task free. A worker that dies during the local
 * attempt is noticed at the task's timeout and the attempt runs again on replay; like every
 * retry it carries the same idempotency key, and a step already recorded as done is not called
 * again. Runs begun before this change call every attempt as a regular activity, and so does a
 * call made while an approver's decision is being recorded (below).
 */
async function runVendorAction(
  args: RunActionArgs,
  { timeout, retry }: Attempts,
): Promise<Record<string, unknown>> {
  // An approver's answer travels with the completion of the workflow task that finished the
  // decision's handler, and a local activity holds its task open for as long as the vendor
  // takes: a containment right after an approval would make the approver's click wait for
  // Falcon (9 s in test/faults/process-faults, before this). While a decision is being
  // recorded, a vendor call runs as a regular activity, alongside the decision's write.
  if (!(patched(LOCAL_VENDOR_CALLS) && allHandlersFinished()))
    return regularActions(timeout, retry).runAction(args);
  const local = proxyLocalActivities<ActionActivities>({
    startToCloseTimeout: Math.min(durationMs(timeout), LOCAL_CALL_MS),
    retry: { maximumAttempts: 1 },
  });
  try {
    return await local.runAction(args);
  } catch (err) {
    const delay = retryDelay(err, retry);
    if (delay === null) throw err;
    if (delay) await sleep(delay);
    const rest = { ...retry, maximumAttempts: retry.maximumAttempts! - 1 };
    return regularActions(timeout, rest).runAction({ ...args, priorAttempts: 1 });
  }
}

/**
 * How long to wait before the step's next attempt after its local one failed, as Temporal's
 * retry would have waited (the vendor's Retry-After first); null when the step fails now:
 * cancelled, refused for good, or out of attempts.
 */
function retryDelay(err: unknown, retry: RetryPolicy): number | string | null {
  if (isCancellation(err) || (retry.maximumAttempts ?? 0) <= 1) return null;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    if (cause.nonRetryable || retry.nonRetryableErrorTypes?.includes(cause.type ?? '')) return null;
    // The SDK does not copy the activity's nextRetryDelay back onto the error it builds: it is
    // read from the failure as Temporal carried it.
    const vendorWait = optionalTsToMs(cause.failure?.applicationFailureInfo?.nextRetryDelay);
    if (vendorWait !== undefined) return vendorWait;
  }
  return retry.initialInterval ?? 1000;
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
  const dryRun = run.input.dryRun === true;
  const args: RunActionArgs = {
    tenantId: run.tenantId,
    runId: run.runId,
    stepId,
    kind: options.kind ?? 'action',
    caseId: run.input.caseId,
    action,
    input,
    idempotencyKey: run.idempotencyKey(stepId),
    dryRun,
  };
  if (run.endsRunAt(stepId)) args.endsRun = { temporalRunId: workflowInfo().runId };
  try {
    const attempts = { timeout: options.timeout ?? '2m', retry: actionRetryPolicy(options.retry) };
    const output = Object.hasOwn(BUILTIN_ACTIONS, action)
      ? await runBuiltin(args, attempts)
      : await runVendorAction(args, attempts);
    if (args.endsRun) run.finishedByStep = true;
    if (dryRun) run.calls.push({ stepId, action, input, output });
    return output;
  } catch (err) {
    if (dryRun && !isCancellation(err)) run.calls.push({ stepId, action, input, error: failureInfo(err) });
    throw err;
  }
}
