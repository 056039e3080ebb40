import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CASE_RESOLUTIONS, CASE_STATUSES, type CaseResolution, type CaseStatus } from '../case-status';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { Severity as SeverityEnum } from '../../alerts/models/severity.enum';
import type { Severity } from '../../alerts/severity';

export const CaseStatusEnum = Object.fromEntries(CASE_STATUSES.map((s) => [s, s])) as Record<
  CaseStatus,
  CaseStatus
>;
registerEnumType(CaseStatusEnum, { name: 'CaseStatus' });

export const CaseResolutionEnum = Object.fromEntries(CASE_RESOLUTIONS.map((s) => [s, s])) as Record<
  CaseResolution,
  CaseResolution
>;
registerEnumType(CaseResolutionEnum, { name: 'CaseResolution' });

@ObjectType('CaseEvent', { description: 'One timeline entry.' })
export class CaseEventModel {
  @Field(() => ID) id!: string;
  @Field({
    description:
      'CREATED, STATUS_CHANGED, ASSIGNED, SEVERITY_CHANGED, TAGS_CHANGED, ALERT_ADDED, ALERT_REMOVED, COMMENT, MERGED, PLAYBOOK_STEP, APPROVAL_DECISION',
  })
  kind!: string;
  @Field({ description: 'apikey:<id>, user:<id>, playbook:<run id>, correlation' }) actor!: string;
  @Field(() => JSONScalar, { description: "What changed (a comment's Markdown is data.body)." })
  data!: unknown;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType('Case')
export class CaseModel {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Per-tenant case number, as analysts say it: "case 42".' })
  number!: number;
  @Field() title!: string;
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => CaseStatusEnum) status!: CaseStatus;
  @Field(() => String, { nullable: true }) assignee!: string | null;
  @Field(() => CaseResolutionEnum, { nullable: true }) resolution!: CaseResolution | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) recommendations!: string | null;
  @Field(() => ID, { nullable: true, description: 'Set when this case was merged into another.' })
  mergedInto!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) detectedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) containedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) closedAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}
