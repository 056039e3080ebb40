import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum, type RoleEnumValue } from '../dto/create-api-key.input';

@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) tenantId!: string;
  @Field() name!: string;
  @Field(() => RoleEnum) role!: RoleEnumValue;
  @Field({ description: 'The first characters of the key, to tell keys apart.' }) prefix!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKeyModel) apiKey!: ApiKeyModel;
  @Field({ description: 'The key itself. Shown once; Cordon keeps only its hash.' }) secret!: string;
}

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('Me')
export class MeModel {
  @Field() actorId!: string;
  @Field() name!: string;
  @Field(() => ID) tenantId!: string;
  @Field(() => RoleEnum) role!: RoleEnumValue;
  @Field() providerAdmin!: boolean;
}
