import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RoleName } from './playbook.types';

/**
 * Messages between the API and the playbook workflow, defined once for both sides.
 * This file is imported by the workflow bundle and by the API's Temporal client.
 */
export interface DecideApprovalArgs {
  approvalId: string;
  decision: 'APPROVE' | 'REJECT';
  comment?: string;
  channel: 'graphql' | 'slack' | 'email' | 'teams';
  actor: { id: string; name: string; role: RoleName };
}

export interface DecideApprovalResult {
  approvalId: string;
  /** The approval's status after this decision. */
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
}

export const decideApprovalUpdate = defineUpdate<DecideApprovalResult, [DecideApprovalArgs]>(
  'decideApproval',
);

export interface RunStateView {
  status: 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  currentStep: string | null;
  pendingApprovalIds: string[];
}

export const runStateQuery = defineQuery<RunStateView>('runState');

/** Why the workflow refused a decision; the API maps the prefix to an error code. */
export const REFUSAL = {
  notPending: 'NOT_PENDING',
  notEligible: 'NOT_ELIGIBLE',
  requester: 'REQUESTER',
  alreadyDecided: 'ALREADY_DECIDED',
} as const;

/** Something happened to the run's case or alert; a `wait` step may be waiting for it. */
export interface RunEvent {
  event: 'case.updated' | 'alert.created';
  /** The case (or alert) as it is after the change. */
  data: Record<string, unknown>;
}

export const runEventSignal = defineSignal<[RunEvent]>('runEvent');
