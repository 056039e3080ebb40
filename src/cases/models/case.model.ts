import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CASE_STATUSES, type CaseStatus } from '../case-status';
import { Severity as SeverityEnum } from '../../alerts/models/severity.enum';
import type { Severity } from '../../alerts/severity';

export const CaseStatusEnum = Object.fromEntries(CASE_STATUSES.map((s) => [s, s])) as Record<
  CaseStatus,
  CaseStatus
>;
registerEnumType(CaseStatusEnum, { name: 'CaseStatus' });

@ObjectType('Case')
export class CaseModel {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Per-tenant case number, as analysts say it: "case 42".' })
  number!: number;
  @Field() title!: string;
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => CaseStatusEnum) status!: CaseStatus;
  @Field(() => String, { nullable: true }) assignee!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) detectedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) containedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}
