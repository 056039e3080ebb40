import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { RUN_STATUSES, STEP_STATUSES, type RunStatus, type StepStatus } from '../run-status';

export const RunStatusEnum = Object.fromEntries(RUN_STATUSES.map((s) => [s, s])) as Record<
  RunStatus,
  RunStatus
>;
registerEnumType(RunStatusEnum, { name: 'PlaybookRunStatus' });
export const StepStatusEnum = Object.fromEntries(STEP_STATUSES.map((s) => [s, s])) as Record<
  StepStatus,
  StepStatus
>;
registerEnumType(StepStatusEnum, { name: 'StepRunStatus' });

@ObjectType('StepRun')
export class StepRunModel {
  @Field() stepId!: string;
  @Field() kind!: string;
  @Field(() => String, { nullable: true }) action!: string | null;
  @Field(() => StepStatusEnum) status!: StepStatus;
  @Field(() => Int, { description: 'How many times the step was tried (retries included).' })
  attempts!: number;
  @Field(() => JSONScalar, { nullable: true }) input!: unknown;
  @Field(() => JSONScalar, { nullable: true }) output!: unknown;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'vendor, status, code, message — never a stack trace.',
  })
  error!: unknown;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType('PlaybookRun')
export class PlaybookRunModel {
  @Field(() => ID) id!: string;
  @Field() playbookId!: string;
  @Field(() => ID) playbookVersionId!: string;
  @Field({ description: 'Temporal workflow id: <tenant>/<playbook>/<alert>.' }) workflowId!: string;
  @Field(() => ID, { nullable: true }) caseId!: string | null;
  @Field(() => ID, { nullable: true }) alertId!: string | null;
  @Field() trigger!: string;
  @Field() requestedBy!: string;
  @Field(() => RunStatusEnum) status!: RunStatus;
  @Field(() => JSONScalar, { nullable: true }) error!: unknown;
  @Field(() => [StepRunModel]) steps!: StepRunModel[];
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}
