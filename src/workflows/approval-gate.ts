import { ApplicationFailure } from '@temporalio/workflow';
import type { DecideApprovalArgs } from './messages';
import { REFUSAL } from './messages';
import type { ApproverSpec, RoleName } from './playbook.types';

const ROLE_ORDER: RoleName[] = ['viewer', 'analyst', 'responder', 'admin'];

export interface OpenApproval {
  approvalId: string;
  stepId: string;
  approvers: ApproverSpec;
  quorum: number;
  approvedBy: string[];
  rejectedBy: string[];
  outcome: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
}

/**
 * The workflow's own record of who may still decide what. The update validator consults it,
 * so a decision the workflow would not count never enters history.
 */
export class ApprovalGate {
  private readonly open = new Map<string, OpenApproval>();

  constructor(private readonly requestedBy: string) {}

  add(approval: Omit<OpenApproval, 'approvedBy' | 'rejectedBy' | 'outcome'>): OpenApproval {
    const entry: OpenApproval = { ...approval, approvedBy: [], rejectedBy: [], outcome: 'PENDING' };
    this.open.set(approval.approvalId, entry);
    return entry;
  }

  get(approvalId: string): OpenApproval | undefined {
    return this.open.get(approvalId);
  }

  pendingIds(): string[] {
    return [...this.open.values()].filter((a) => a.outcome === 'PENDING').map((a) => a.approvalId);
  }

  /** Throws (rejecting the update) when this decision may not count. */
  validate(args: DecideApprovalArgs): void {
    const approval = this.open.get(args.approvalId);
    if (!approval || approval.outcome !== 'PENDING') {
      throw ApplicationFailure.nonRetryable('the approval is no longer pending', REFUSAL.notPending);
    }
    if (args.actor.id === this.requestedBy) {
      throw ApplicationFailure.nonRetryable('whoever started the run may not approve it', REFUSAL.requester);
    }
    if (approval.approvedBy.includes(args.actor.id) || approval.rejectedBy.includes(args.actor.id)) {
      throw ApplicationFailure.nonRetryable('this approver has already decided', REFUSAL.alreadyDecided);
    }
    if (!eligible(approval.approvers, args.actor)) {
      throw ApplicationFailure.nonRetryable(
        `role "${args.actor.role}" may not decide this approval`,
        REFUSAL.notEligible,
      );
    }
  }

  /** Applies a validated decision; a single eligible REJECT ends the approval at once. */
  apply(args: DecideApprovalArgs): OpenApproval {
    const approval = this.open.get(args.approvalId)!;
    if (args.decision === 'REJECT') {
      approval.rejectedBy.push(args.actor.id);
      approval.outcome = 'REJECTED';
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

function eligible(spec: ApproverSpec, actor: DecideApprovalArgs['actor']): boolean {
  if (spec.users?.includes(actor.id)) return true;
  const roles = spec.roles ?? (spec.users?.length ? [] : ['responder']);
  const rank = ROLE_ORDER.indexOf(actor.role);
  return roles.some((r) => rank >= ROLE_ORDER.indexOf(r));
}
