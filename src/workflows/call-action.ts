import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ActionActivities } from './activity-contract';
import { actionRetryPolicy } from './durations';
import type { RetrySpec } from './playbook.types';
import { failureInfo } from './run-control';
import type { RunContext } from './run-context';

/**
 * Calls one action (capability, vendor action or built-in) as an activity. The activity records
 * the attempt and its outcome under `stepId`; a dry run also keeps what was called.
 */
export async function callAction(
  run: RunContext,
  stepId: string,
  action: string,
  input: Record<string, unknown>,
  options: { timeout?: string; retry?: RetrySpec; kind?: string } = {},
): Promise<Record<string, unknown>> {
  const actions = proxyActivities<ActionActivities>({
    startToCloseTimeout: options.timeout ?? '2m',
    // The activity beats every 10 s while it waits on a vendor, so a worker that died mid-call is
    // noticed after 30 s, not at startToClose. Options are not part of what replay compares.
    heartbeatTimeout: '30s',
    retry: actionRetryPolicy(options.retry),
  });
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
