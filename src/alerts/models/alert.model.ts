import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';
import type { ObservableType as ObservableTypeName } from '../observable-type';
import type { Severity as SeverityName } from '../severity';
import { AlertStatusEnum, ObservableType, Severity } from './severity.enum';
import type { AlertStatus as AlertStatusName } from '../alert-status';

@ObjectType('Observable')
export class ObservableModel {
  @Field(() => ObservableType) type!: ObservableTypeName;
  @Field() value!: string;
  @Field(() => String, {
    nullable: true,
    description: 'For FILE_HASH: MD5, SHA1, SHA256 or SHA512, by length.',
  })
  hashAlgorithm!: string | null;
}

@ObjectType('Alert')
export class AlertModel {
  @Field(() => ID) id!: string;
  @Field() source!: string;
  @Field(() => String, { nullable: true }) sourceRef!: string | null;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Severity) severity!: SeverityName;
  @Field(() => AlertStatusEnum) status!: AlertStatusName;
  @Field(() => String, { nullable: true }) rule!: string | null;
  @Field(() => [String]) techniques!: string[];
  @Field(() => [ObservableModel]) observables!: ObservableModel[];
  @Field(() => ID, { nullable: true }) caseId!: string | null;
  @Field() fingerprint!: string;
  @Field(() => Int) duplicateCount!: number;
  @Field(() => GraphQLISODateTime) detectedAt!: Date;
  @Field(() => GraphQLISODateTime) lastSeenAt!: Date;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => JSONScalar, { nullable: true }) raw!: unknown;
}

@ObjectType()
export class IngestAlertsPayload {
  /** Per input, in order: the alert it became or folded into (`alerts` is read from these if asked for). */
  alertIds!: string[];
  @Field(() => Int) created!: number;
  @Field(() => Int) deduplicated!: number;
}
