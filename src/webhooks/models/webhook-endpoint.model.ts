import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { WEBHOOK_CONTRACT_DESCRIPTION } from '../webhook-contract';

@ObjectType('WebhookEndpoint', {
  description: `An endpoint a security tool pushes its alerts to. ${WEBHOOK_CONTRACT_DESCRIPTION}`,
})
export class WebhookEndpointModel {
  @Field(() => ID, { description: 'Sent as X-Cordon-Endpoint.' }) id!: string;
  @Field({ description: 'The source whose native payloads this endpoint accepts, e.g. "crowdstrike".' })
  source!: string;
  @Field({ description: 'The path to POST to, relative to the API base URL: /webhooks/alerts/<source>.' })
  url!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) rotatedAt!: Date | null;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Until when the secret before the last rotation is still accepted.',
  })
  previousSecretValidUntil!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType({ description: `A webhook endpoint and its signing secret. ${WEBHOOK_CONTRACT_DESCRIPTION}` })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpointModel) endpoint!: WebhookEndpointModel;
  @Field({
    description:
      'The signing secret (HMAC-SHA256 key, used as this text). Shown once; Cordon keeps it encrypted and never returns it again.',
  })
  secret!: string;
}
