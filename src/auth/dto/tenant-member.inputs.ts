import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, IsUUID, MaxLength } from 'class-validator';
import { PageArgs } from '../../common/graphql/pagination';
import { RoleEnum, type RoleEnumValue } from './create-api-key.input';

@InputType({
  description:
    'Names the user by e-mail (someone who has signed in already) or by subject (and issuer, the ' +
    "configured provider's by default), who may not have signed in yet.",
})
export class AddTenantMemberInput {
  @Field(() => ID, { nullable: true, description: 'Another tenant (provider admins only).' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email?: string;

  @Field({
    nullable: true,
    description:
      "The provider's issuer URL (urn:cordon:local for embedded mode's own tokens); the configured one when left out.",
  })
  @IsOptional()
  @Matches(/^(https?:\/\/\S+|urn:cordon:local)$/, {
    message: 'issuer must be the http(s) URL the provider puts in its tokens (iss), or urn:cordon:local',
  })
  @MaxLength(512)
  issuer?: string;

  @Field({ nullable: true, description: 'The sub claim of the user’s tokens.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  subject?: string;

  @Field(() => RoleEnum)
  @IsIn(Object.keys(RoleEnum))
  role!: RoleEnumValue;
}

@InputType()
export class RemoveTenantMemberInput {
  @Field(() => ID, { nullable: true, description: 'Another tenant (provider admins only).' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @Field(() => ID)
  @IsUUID()
  userId!: string;
}

@ArgsType()
export class TenantMembersArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Another tenant (provider admins only).' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
