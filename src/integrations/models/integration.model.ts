import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';

@ObjectType('IntegrationAction')
export class IntegrationActionModel {
  @Field() name!: string;
  @Field() description!: string;
  @Field() mutating!: boolean;
  @Field(() => JSONScalar) inputSchema!: unknown;
  @Field(() => JSONScalar) outputSchema!: unknown;
}

@ObjectType('Integration')
export class IntegrationModel {
  @Field() id!: string;
  @Field() vendor!: string;
  @Field() product!: string;
  @Field() category!: string;
  @Field() version!: string;
  @Field() docsUrl!: string;
  @Field() description!: string;
  @Field(() => [String]) capabilities!: string[];
  @Field(() => JSONScalar, { description: 'Setting name → { description, type, required, default }.' })
  settings!: unknown;
  @Field(() => [String], { description: 'Names of the secrets a connection needs.' }) secrets!: string[];
  @Field(() => [IntegrationActionModel]) actions!: IntegrationActionModel[];
}

@ObjectType('Connection')
export class ConnectionModel {
  @Field(() => ID) id!: string;
  @Field() integrationId!: string;
  @Field() name!: string;
  @Field(() => JSONScalar) settings!: unknown;
  @Field(() => [String], { description: 'Which secrets are set (never their values).' })
  secretNames!: string[];
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType('CapabilityBinding')
export class CapabilityBindingModel {
  @Field() capability!: string;
  @Field(() => ID) connectionId!: string;
}

@ObjectType('ConnectionTestResult')
export class ConnectionTestResult {
  @Field() ok!: boolean;
  @Field(() => String, { nullable: true }) message!: string | null;
}
