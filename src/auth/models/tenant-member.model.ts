import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum, type RoleEnumValue } from '../dto/create-api-key.input';

@ObjectType('TenantMember', { description: 'A user and their role in one tenant.' })
export class TenantMemberModel {
  @Field(() => ID) tenantId!: string;
  @Field(() => ID) userId!: string;
  @Field({ description: 'user:<id>, as approvals and timelines name the person.' }) actorId!: string;
  @Field(() => RoleEnum) role!: RoleEnumValue;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field() issuer!: string;
  @Field() subject!: string;
  @Field(() => GraphQLISODateTime) addedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null until the user first signs in.' })
  lastSeenAt!: Date | null;
}
