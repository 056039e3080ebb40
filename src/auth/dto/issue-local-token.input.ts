import { Field, InputType, Int } from '@nestjs/graphql';
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

@InputType()
export class IssueLocalTokenInput {
  @Field({ description: 'Who the token names (its sub); memberships are added for this subject.' })
  @IsString()
  @Matches(/^\S{1,255}$/, { message: 'subject must be 1-255 characters without spaces' })
  subject!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name?: string;

  @Field(() => Int, { defaultValue: 60, description: 'How long the token is valid: 1 to 1440 minutes.' })
  @IsInt()
  @Min(1)
  @Max(1440)
  expiresInMinutes: number = 60;
}
