import { Field, ID, InputType } from '@nestjs/graphql';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { MaxJsonSize } from '../../common/validation/max-json-size';

@InputType()
export class UpsertConnectionInput {
  @Field()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, {
    message: 'integrationId must be an integration id such as crowdstrike-falcon',
  })
  integrationId!: string;

  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @Field(() => JSONScalar, { nullable: true })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(16_384)
  settings?: Record<string, unknown>;

  @Field(() => JSONScalar, { nullable: true, description: 'Write-only: stored encrypted, never returned.' })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(16_384)
  secrets?: Record<string, unknown>;
}

@InputType()
export class BindCapabilityInput {
  @Field({ description: '"edr.isolate_host", or "edr" for every edr.* capability.' })
  @IsString()
  @Matches(/^[a-z]+(\.[a-z_]+)?$/, { message: 'capability must look like edr.isolate_host or edr' })
  capability!: string;

  @Field(() => ID)
  @IsUUID()
  connectionId!: string;
}
