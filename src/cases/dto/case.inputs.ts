import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { SEVERITIES, type Severity } from '../../alerts/severity';
import { Severity as SeverityEnum } from '../../alerts/models/severity.enum';
import { CASE_RESOLUTIONS, CASE_STATUSES, type CaseResolution, type CaseStatus } from '../case-status';
import { CaseResolutionEnum, CaseStatusEnum } from '../models/case.model';

@InputType()
export class CreateCaseInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  title!: string;

  @Field(() => SeverityEnum, {
    nullable: true,
    description: 'Defaults to the highest severity of its alerts.',
  })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @Field(() => [ID], { nullable: true, description: 'Alerts to move into the new case.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  alertIds?: string[];
}

@InputType()
export class CaseAlertsInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => [ID])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  alertIds!: string[];
}

@InputType()
export class UpdateCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => CaseStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @Field(() => CaseResolutionEnum, { nullable: true, description: 'Required when closing.' })
  @IsOptional()
  @IsIn(CASE_RESOLUTIONS)
  resolution?: CaseResolution;

  @Field({ nullable: true, description: 'Actor id of the assignee; empty string unassigns.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  assignee?: string;

  @Field(() => SeverityEnum, { nullable: true })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @Field({ nullable: true, description: 'Markdown advice to the client; appears in the incident report.' })
  @IsOptional()
  @IsString()
  @MaxLength(32_768)
  recommendations?: string;

  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[\w:.-]{1,64}$/, { each: true, message: 'each tag must be 1-64 letters, digits, _ : . -' })
  tags?: string[];
}

@InputType()
export class AddCaseCommentInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field({ description: 'Markdown.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32_768)
  body!: string;
}

@InputType()
export class MergeCasesInput {
  @Field(() => ID, { description: 'The case that remains.' })
  @IsUUID()
  targetCaseId!: string;

  @Field(() => [ID], { description: 'Cases folded into the target and closed as DUPLICATE.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  @Type(() => String)
  sourceCaseIds!: string[];
}
