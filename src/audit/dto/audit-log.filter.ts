import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit-chain';
import { AuditOutcomeEnum } from '../models/audit-entry.model';

@InputType({ description: 'Every field narrows the list; all of them together must match.' })
export class AuditLogFilter {
  @Field({ nullable: true, description: 'The actor id, e.g. apikey:<id> or run:<id>.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actorId?: string;

  @Field({
    nullable: true,
    description: 'Actions starting with this, e.g. "mutation." or "action.call edr.".',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actionPrefix?: string;

  @Field({ nullable: true, description: 'e.g. Case, Approval, Connection, ApiKey.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  targetType?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;

  @Field(() => AuditOutcomeEnum, { nullable: true })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries at or after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
