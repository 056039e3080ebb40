import type { PlaybookDefinition } from './playbook.types';

/** Everything a run needs, fixed at start: editing a playbook never changes a run in flight. */
export interface PlaybookRunInput {
  runId: string;
  tenantId: string;
  playbookId: string;
  versionId: string;
  definition: PlaybookDefinition;
  /** The triggering alert and its case, as they were when the run was queued. */
  event: { alert?: Record<string, unknown>; case?: Record<string, unknown> };
  caseId: string | null;
  /** Actor id of whoever (or whatever) started the run; never counts as an approver. */
  requestedBy: string;
}

export interface StepRecord {
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  output?: unknown;
  decision?: 'approved' | 'rejected';
}

export interface StepFailureInfo {
  message: string;
  vendor?: string;
  status?: number;
  code?: string;
  retryable?: boolean;
}
