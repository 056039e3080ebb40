import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('LocalToken')
export class LocalTokenModel {
  @Field({ description: 'The sign-in token (Authorization: Bearer …). Shown once; not stored.' })
  token!: string;
  @Field({ description: 'urn:cordon:local: name it with the subject in addTenantMember.' }) issuer!: string;
  @Field() subject!: string;
  @Field(() => ID) userId!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}
