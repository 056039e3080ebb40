import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageArgs } from '../../common/graphql/pagination';
import { MAX_OVERLAP_MINUTES } from '../webhook-contract';

@ArgsType()
export class CreateWebhookEndpointArgs {
  @Field({ description: 'A source Cordon has a normaliser for, e.g. "crowdstrike", "ocsf".' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'source must be 1-64 lower-case letters, digits, . _ -',
  })
  source!: string;
}

@ArgsType()
export class WebhookEndpointIdArgs {
  @Field(() => ID)
  @IsUUID()
  endpointId!: string;
}

@ArgsType()
export class RotateWebhookSecretArgs extends WebhookEndpointIdArgs {
  @Field(() => Int, {
    defaultValue: 60,
    description: `How long the old secret keeps working, in minutes (0 to ${MAX_OVERLAP_MINUTES}, 7 days).`,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_MINUTES)
  overlapMinutes: number = 60;
}

@ArgsType()
export class WebhookEndpointsArgs extends PageArgs {
  @Field({ defaultValue: false })
  @IsBoolean()
  includeRevoked: boolean = false;
}
