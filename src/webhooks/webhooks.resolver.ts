import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, type Connection } from '../common/graphql/pagination';
import {
  CreateWebhookEndpointArgs,
  RotateWebhookSecretArgs,
  WebhookEndpointIdArgs,
  WebhookEndpointsArgs,
} from './dto/webhook-endpoint.args';
import { WebhookEndpointModel, WebhookEndpointPayload } from './models/webhook-endpoint.model';
import { WebhookEndpointsService } from './webhook-endpoints.service';

const WebhookEndpointConnection = ConnectionType(WebhookEndpointModel, 'WebhookEndpoint');

@Resolver(() => WebhookEndpointModel)
export class WebhooksResolver {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Query(() => WebhookEndpointConnection, {
    description: "This tenant's webhook endpoints (never their secrets).",
  })
  @RequireRole('admin')
  async webhookEndpoints(
    @CurrentPrincipal() p: Principal,
    @Args() args: WebhookEndpointsArgs,
  ): Promise<Connection<WebhookEndpointModel>> {
    return this.endpoints.list(p.tenantId, args);
  }

  @Mutation(() => WebhookEndpointPayload, {
    description: 'Creates a signed webhook endpoint for a source; the secret is shown once.',
  })
  @RequireRole('admin')
  async createWebhookEndpoint(
    @CurrentPrincipal() p: Principal,
    @Args() args: CreateWebhookEndpointArgs,
  ): Promise<WebhookEndpointPayload> {
    return this.endpoints.create(p.tenantId, args.source);
  }

  @Mutation(() => WebhookEndpointPayload, {
    description: 'Issues a new secret (shown once); the old one keeps working for overlapMinutes.',
  })
  @RequireRole('admin')
  async rotateWebhookSecret(
    @CurrentPrincipal() p: Principal,
    @Args() args: RotateWebhookSecretArgs,
  ): Promise<WebhookEndpointPayload> {
    return this.endpoints.rotate(p.tenantId, args.endpointId, args.overlapMinutes);
  }

  @Mutation(() => WebhookEndpointModel, { description: 'Stops the endpoint accepting pushes, at once.' })
  @RequireRole('admin')
  async revokeWebhookEndpoint(
    @CurrentPrincipal() p: Principal,
    @Args() args: WebhookEndpointIdArgs,
  ): Promise<WebhookEndpointModel> {
    return this.endpoints.revoke(p.tenantId, args.endpointId);
  }
}
