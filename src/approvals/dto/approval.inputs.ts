import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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
