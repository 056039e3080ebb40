import { ApplicationFailure } from '@temporalio/workflow';
import type { DecideApprovalArgs } from './messages';
import { REFUSAL } from './messages';
import { eligible } from './approvers';
import type { ApproverSpec } from './playbook.types';

export interface OpenApproval {
  approvalId: string;
  stepId: string;
  /** Who may decide now: the current escalation level's set. */
  approvers: ApproverSpec;
  quorum: number;
  /** Eligible rejections that end the approval at once. */
  rejectQuorum: number;
  /** 0 for the step's own approvers, n for its n-th escalation level. */
  level: number;
  approvedBy: string[];
  rejectedBy: string[];
  outcome: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
}

export type NewApproval = Pick<OpenApproval, 'approvalId' | 'stepId' | 'approvers' | 'quorum'> & {
  rejectQuorum?: number;
};

/**
 * The workflow's own record of who may still decide what. The update validator consults it,
 * so a decision the workflow would not count never enters history; the handler applies it
 * through the same checks, so two decisions racing into one workflow task cannot both count.
 */
export class ApprovalGate {
  private readonly open = new Map<string, OpenApproval>();

  constructor(private readonly requestedBy: string) {}

  add(approval: NewApproval): OpenApproval {
    const entry: OpenApproval = {
      ...approval,
      quorum: Math.max(1, approval.quorum),
      rejectQuorum: Math.max(1, approval.rejectQuorum ?? 1),
      level: 0,
      approvedBy: [],
      rejectedBy: [],
      outcome: 'PENDING',
    };
    this.open.set(approval.approvalId, entry);
    return entry;
  }

  get(approvalId: string): OpenApproval | undefined {
    return this.open.get(approvalId);
  }

  pendingIds(): string[] {
    return [...this.open.values()].filter((a) => a.outcome === 'PENDING').map((a) => a.approvalId);
  }

  /**
   * Hands a pending approval to the next level's approvers. Decisions already counted stay
   * counted (they were eligible when made); from now on only the new set may decide.
   */
  escalate(approvalId: string, approvers: ApproverSpec): OpenApproval {
    const approval = this.open.get(approvalId);
    if (!approval || approval.outcome !== 'PENDING') throw new Error(`approval ${approvalId} is not pending`);
    approval.approvers = approvers;
    approval.level += 1;
    return approval;
  }

  /** Throws (rejecting the update) when this decision may not count. */
  validate(args: DecideApprovalArgs): void {
    const approval = this.open.get(args.approvalId);
    if (!approval || approval.outcome !== 'PENDING') {
      throw ApplicationFailure.nonRetryable('the approval is no longer pending', REFUSAL.notPending);
    }
    if (args.decision !== 'APPROVE' && args.decision !== 'REJECT') {
      throw ApplicationFailure.nonRetryable(
        `unknown decision "${String(args.decision)}"`,
        REFUSAL.notEligible,
      );
    }
    if (args.actor.id === this.requestedBy) {
      throw ApplicationFailure.nonRetryable('whoever started the run may not approve it', REFUSAL.requester);
    }
    if (approval.approvedBy.includes(args.actor.id) || approval.rejectedBy.includes(args.actor.id)) {
      throw ApplicationFailure.nonRetryable('this approver has already decided', REFUSAL.alreadyDecided);
    }
    if (!eligible(approval.approvers, args.actor)) {
      throw ApplicationFailure.nonRetryable(
        `${args.actor.id} (role "${args.actor.role}") may not decide this approval`,
        REFUSAL.notEligible,
      );
    }
  }

  /**
   * Counts a decision, checking it again first: the validator of a second update can run
   * before the first one's handler, and the loser must fail rather than count.
   */
  apply(args: DecideApprovalArgs): OpenApproval {
    this.validate(args);
    const approval = this.open.get(args.approvalId) as OpenApproval;
    if (args.decision === 'REJECT') {
      approval.rejectedBy.push(args.actor.id);
      if (approval.rejectedBy.length >= approval.rejectQuorum) approval.outcome = 'REJECTED';
    } else {
      approval.approvedBy.push(args.actor.id);
      if (approval.approvedBy.length >= approval.quorum) approval.outcome = 'APPROVED';
    }
    return approval;
  }

  expire(approvalId: string): void {
    const approval = this.open.get(approvalId);
    if (approval && approval.outcome === 'PENDING') approval.outcome = 'EXPIRED';
  }
}
