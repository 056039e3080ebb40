import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** Larger than any sane playbook; keeps a parse (and its JSONata compiles) bounded. */
export const MAX_PLAYBOOK_SOURCE = 256 * 1024;
const PLAYBOOK_ID = /^[a-z][a-z0-9_-]{0,63}$/;

@InputType()
export class SavePlaybookInput {
  @Field({ description: 'The playbook YAML.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PLAYBOOK_SOURCE)
  source!: string;
}

@InputType()
export class SetPlaybookEnabledInput {
  @Field(() => ID)
  @IsString()
  @Matches(PLAYBOOK_ID, { message: 'playbookId must be a playbook id such as contain-host' })
  playbookId!: string;

  @Field()
  @IsBoolean()
  enabled!: boolean;
}

@ArgsType()
export class ValidatePlaybookArgs {
  @Field({ description: 'The playbook YAML.' })
  @IsString()
  @MaxLength(MAX_PLAYBOOK_SOURCE)
  source!: string;
}

@ArgsType()
export class PlaybookArgs {
  @Field(() => ID)
  @IsString()
  @MaxLength(64)
  id!: string;
}
