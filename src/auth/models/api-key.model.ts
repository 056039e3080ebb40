import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
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

export const PrincipalKindEnum = { API_KEY: 'API_KEY', USER: 'USER' } as const;
export type PrincipalKindValue = keyof typeof PrincipalKindEnum;
registerEnumType(PrincipalKindEnum, { name: 'PrincipalKind' });

@ObjectType('Me')
export class MeModel {
  @Field(() => PrincipalKindEnum, { description: 'An API key, or a user signed in with a token.' })
  kind!: PrincipalKindValue;
  @Field({ description: 'apikey:<id> or user:<id>: how approvals and timelines name you.' })
  actorId!: string;
  @Field() name!: string;
  @Field(() => ID) tenantId!: string;
  @Field(() => RoleEnum) role!: RoleEnumValue;
  @Field() providerAdmin!: boolean;
  @Field(() => String, { nullable: true, description: "A user's e-mail, as the identity provider gives it." })
  email!: string | null;
}
