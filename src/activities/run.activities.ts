import type { ApprovalsProjection } from '../approvals/approvals-projection.service';
import type { RunsProjection } from '../runs/runs-projection.service';
import type { RunLauncher } from '../runs/run-launcher.service';
import type { RunActivities } from '../workflows/activity-contract';

/** Projection activities: the workflow's record of itself, written where the API can read it. */
export function createRunActivities(deps: {
  runs: RunsProjection;
  approvals: ApprovalsProjection;
  launcher: RunLauncher;
}): RunActivities {
  return {
    markRunStarted: ({ tenantId, runId, temporalRunId }) =>
      deps.runs.markStarted(tenantId, runId, temporalRunId),
    recordStep: ({ tenantId, ...step }) => deps.runs.recordStep(tenantId, step),
    finishRun: ({ tenantId, runId, status, error, temporalRunId }) =>
      deps.runs.finish(tenantId, runId, status, error, temporalRunId),
    openApproval: (args) => deps.approvals.open(args),
    recordApprovalDecision: (args) => deps.approvals.recordDecision(args),
    closeApproval: (args) => deps.approvals.close(args),
    escalateApproval: (args) => deps.approvals.escalate(args),
    notifyApproval: (args) => deps.approvals.notify(args),
    announceApprovalOutcome: (args) => deps.approvals.announceOutcome(args),
    prepareChildRun: (args) => deps.launcher.prepareChild(args),
  };
}
