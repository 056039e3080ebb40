import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { APPROVAL_STATUSES, type ApprovalStatus } from '../approval-status';

export const ApprovalStatusEnum = Object.fromEntries(APPROVAL_STATUSES.map((s) => [s, s])) as Record<
  ApprovalStatus,
  ApprovalStatus
>;
registerEnumType(ApprovalStatusEnum, { name: 'ApprovalStatus' });

export const ApprovalDecisionEnum = { APPROVE: 'APPROVE', REJECT: 'REJECT' } as const;
registerEnumType(ApprovalDecisionEnum, { name: 'ApprovalDecision' });

@ObjectType('ApprovalDecisionRecord')
export class ApprovalDecisionModel {
  @Field() actorId!: string;
  @Field() actorName!: string;
  @Field(() => ApprovalDecisionEnum) decision!: 'APPROVE' | 'REJECT';
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field({ description: 'graphql, slack, email or teams.' }) channel!: string;
  @Field(() => GraphQLISODateTime) decidedAt!: Date;
}

@ObjectType('ApprovalEvent', { description: 'One transition of an approval.' })
export class ApprovalEventModel {
  @Field({ description: 'REQUESTED, NOTIFIED, DECISION, ESCALATED or CLOSED.' }) kind!: string;
  @Field({ description: 'apikey:<id> or user:<id> for a decision, playbook:<run id> for the workflow.' })
  actor!: string;
  @Field(() => JSONScalar) data!: unknown;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType('ApprovalOutcomes', { description: 'What each way of ending the approval does to the run.' })
export class ApprovalOutcomesModel {
  @Field() onApprove!: string;
  @Field() onReject!: string;
  @Field() onTimeout!: string;
}

@ObjectType('Approval')
export class ApprovalModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field() stepId!: string;
  @Field(() => ID, { nullable: true }) caseId!: string | null;
  @Field({ description: "The question, rendered with the run's context." }) prompt!: string;
  @Field(() => JSONScalar, {
    nullable: true,
    description:
      "The step's rendered context: the target (host, user, IP), its enrichment, and whatever else the playbook shows.",
  })
  context!: Record<string, unknown> | null;
  @Field(() => JSONScalar, {
    nullable: true,
    description:
      '{ number, title, severity, status, assignee, alertCount, observables } when the approval opened.',
  })
  caseSummary!: Record<string, unknown> | null;
  @Field(() => ApprovalOutcomesModel) outcomes!: ApprovalOutcomesModel;
  @Field(() => JSONScalar, { description: '{ roles, users } who may decide now (the current level).' })
  approvers!: unknown;
  @Field(() => Int) quorum!: number;
  @Field(() => Int, { description: 'Rejections that end the approval at once.' }) rejectQuorum!: number;
  @Field(() => Int, { description: '0 for the first approvers, n after the n-th escalation.' })
  level!: number;
  @Field(() => Int) escalationLevels!: number;
  @Field(() => ApprovalStatusEnum) status!: ApprovalStatus;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The current level's deadline." })
  expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) decidedAt!: Date | null;
  @Field(() => [ApprovalDecisionModel]) decisions!: ApprovalDecisionModel[];
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('BulkDecisionResult', { description: "One approval's result in a bulk decision." })
export class BulkDecisionResultModel {
  @Field(() => ID) approvalId!: string;
  @Field() ok!: boolean;
  @Field(() => ApprovalStatusEnum, {
    nullable: true,
    description: 'The status after the decision, when it counted.',
  })
  status!: ApprovalStatus | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why it did not count: CONFLICT, FORBIDDEN, NOT_FOUND…',
  })
  code!: string | null;
  @Field(() => String, { nullable: true }) message!: string | null;
}

@ObjectType('ApproverIdentity', {
  description: 'A Slack user or e-mail address that decides as a Cordon actor.',
})
export class ApproverIdentityModel {
  @Field() channel!: string;
  @Field() externalId!: string;
  @Field() actorId!: string;
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}
