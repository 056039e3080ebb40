import { Field, GraphQLISODateTime, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const RoleEnum = {
  VIEWER: 'VIEWER',
  ANALYST: 'ANALYST',
  RESPONDER: 'RESPONDER',
  ADMIN: 'ADMIN',
} as const;
export type RoleEnumValue = keyof typeof RoleEnum;
registerEnumType(RoleEnum, { name: 'Role' });

@InputType()
export class CreateApiKeyInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @Field(() => RoleEnum)
  @IsIn(Object.keys(RoleEnum))
  role!: RoleEnumValue;

  @Field(() => ID, { nullable: true, description: 'Another tenant (provider admins only).' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;
}

@InputType()
export class CreateTenantInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;
}
