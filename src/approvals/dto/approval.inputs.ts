import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { APPROVAL_STATUSES, type ApprovalStatus } from '../approval-status';
import { ApprovalDecisionEnum, ApprovalStatusEnum } from '../models/approval.model';

@InputType()
export class ApprovalFilter {
  @Field(() => ApprovalStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @Field({ nullable: true, description: 'Only approvals the caller may decide.' })
  @IsOptional()
  @IsBoolean()
  mine?: boolean;
}

@InputType()
export class DecideApprovalInput {
  @Field(() => ID)
  @IsUUID()
  approvalId!: string;

  @Field(() => ApprovalDecisionEnum)
  @IsIn(['APPROVE', 'REJECT'])
  decision!: 'APPROVE' | 'REJECT';

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

@InputType({
  description: 'Several pending approvals of one case, decided at once; each is validated on its own.',
})
export class DecideApprovalsInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => [ID], {
    nullable: true,
    description: 'The approvals to decide; all of the case that the caller may decide when left out.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  approvalIds?: string[];

  @Field(() => ApprovalDecisionEnum)
  @IsIn(['APPROVE', 'REJECT'])
  decision!: 'APPROVE' | 'REJECT';

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

export const IdentityChannelEnum = { SLACK: 'SLACK', EMAIL: 'EMAIL' } as const;
registerEnumType(IdentityChannelEnum, { name: 'ApproverIdentityChannel' });

@InputType({
  description: 'Lets a Slack user (id U…) or an e-mail address decide as a Cordon API key actor.',
})
export class MapApproverIdentityInput {
  @Field(() => IdentityChannelEnum)
  @IsIn(['SLACK', 'EMAIL'])
  channel!: 'SLACK' | 'EMAIL';

  @Field({ description: 'Slack user id (U0123ABCD) or e-mail address.' })
  @IsString()
  @MaxLength(320)
  @Matches(/^(?:[UW][A-Z0-9]{2,30}|[^\s@]+@[^\s@]+\.[^\s@]+)$/i, {
    message: 'externalId must be a Slack user id (U…) or an e-mail address',
  })
  externalId!: string;

  @Field({ description: 'apikey:<id>: the key whose role the person decides with.' })
  @IsString()
  @Matches(/^apikey:[0-9a-f-]{36}$/i, { message: 'actorId must be apikey:<id>' })
  actorId!: string;
}

@InputType()
export class UnmapApproverIdentityInput {
  @Field(() => IdentityChannelEnum)
  @IsIn(['SLACK', 'EMAIL'])
  channel!: 'SLACK' | 'EMAIL';

  @Field()
  @IsString()
  @MaxLength(320)
  externalId!: string;
}
