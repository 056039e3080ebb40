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
  @Field() channel!: string;
  @Field(() => GraphQLISODateTime) decidedAt!: Date;
}

@ObjectType('Approval')
export class ApprovalModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field() stepId!: string;
  @Field(() => ID, { nullable: true }) caseId!: string | null;
  @Field({ description: "The question, rendered with the run's context." }) prompt!: string;
  @Field(() => JSONScalar, { description: '{ roles, users } who may decide.' }) approvers!: unknown;
  @Field(() => Int) quorum!: number;
  @Field(() => ApprovalStatusEnum) status!: ApprovalStatus;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) decidedAt!: Date | null;
  @Field(() => [ApprovalDecisionModel]) decisions!: ApprovalDecisionModel[];
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}
