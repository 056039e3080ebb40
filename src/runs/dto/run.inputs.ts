import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { MaxJsonSize } from '../../common/validation/max-json-size';

@InputType()
export class RunPlaybookInput {
  @Field()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'playbookId must be a playbook id such as contain-host' })
  playbookId!: string;

  @Field(() => ID, { nullable: true, description: 'The case the run works on (its `case` in templates).' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The alert the run works on (its `alert`); implies its case.',
  })
  @IsOptional()
  @IsUUID()
  alertId?: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Values for the playbook’s inputs, by name.' })
  @IsOptional()
  @MaxJsonSize(65_536)
  inputs?: Record<string, unknown>;

  @Field({
    nullable: true,
    description:
      'Run against the integrations’ fakes, approve automatically, and return what would be called.',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @Field({
    nullable: true,
    description: 'Idempotency key: repeating a request with it returns the same run.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'requestId must be 1-128 letters, digits, . _ : -' })
  requestId?: string;
}

@InputType()
export class CancelPlaybookRunInput {
  @Field(() => ID)
  @IsString()
  runId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
