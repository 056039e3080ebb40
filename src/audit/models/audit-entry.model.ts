import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit-chain';

export const AuditOutcomeEnum = Object.fromEntries(AUDIT_OUTCOMES.map((o) => [o, o])) as Record<
  AuditOutcome,
  AuditOutcome
>;
registerEnumType(AuditOutcomeEnum, { name: 'AuditOutcome' });

@ObjectType('AuditActor')
export class AuditActorModel {
  @Field() id!: string;
  @Field({ description: 'apiKey, user, run, system or anonymous.' }) kind!: string;
  @Field() name!: string;
}

@ObjectType('AuditTarget')
export class AuditTargetModel {
  @Field() type!: string;
  @Field() id!: string;
}

@ObjectType('AuditEntry', { description: "One row of the tenant's tamper-evident audit log." })
export class AuditEntryModel {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: "Position in the tenant's hash chain, from 1." }) sequence!: number;
  @Field(() => AuditActorModel) actor!: AuditActorModel;
  @Field({ description: 'e.g. mutation.createCase, approval.decide, action.call edr.isolate_host.' })
  action!: string;
  @Field(() => AuditTargetModel, { nullable: true }) target!: AuditTargetModel | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => AuditOutcomeEnum) outcome!: AuditOutcome;
  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the change (canonical JSON, secrets replaced by their hashes).',
  })
  changeDigest!: string | null;
  @Field(() => JSONScalar, { description: 'Non-secret facts: vendor, error code, channel, reason.' })
  detail!: Record<string, unknown>;
  @Field() prevHash!: string;
  @Field() hash!: string;
}
