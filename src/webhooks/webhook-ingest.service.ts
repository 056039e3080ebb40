import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AlertsService } from '../alerts/alerts.service';
import { normaliserFor } from '../alerts/normalisers';
import type { Principal } from '../auth/principal';
import { WebhookEndpointsService, knownSources, type EndpointKeys } from './webhook-endpoints.service';
import {
  DeliveryExists,
  WebhookDeliveriesService,
  type Delivery,
  type DeliveryResult,
} from './webhook-deliveries.service';
import { checkTimestamp } from './webhook-signature';
import { readWebhookPayload } from './webhook-payload';
import { MAX_DELIVERY_ID_LENGTH } from './webhook-contract';
import { WebhooksException } from './webhooks.exception';

const DELIVERY_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_DELIVERY_ID_LENGTH}}$`);

export interface WebhookPush {
  source: string;
  endpointId: string | undefined;
  timestamp: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  body: Buffer;
}

/** What the sender gets back: `replayed` is a redelivery answered from the first result. */
export interface WebhookOutcome {
  replayed: boolean;
  result: DeliveryResult;
}

@Injectable()
export class WebhookIngestService {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly alerts: AlertsService,
  ) {}

  /**
   * Order matters: nothing about endpoints or tenants is revealed before the signature checks
   * out, and nothing is parsed or stored before it does.
   */
  async receive(push: WebhookPush): Promise<WebhookOutcome> {
    // The sources are the same in every deployment, so naming an unknown one leaks nothing.
    const normaliser = normaliserFor(push.source);
    if (!normaliser) throw WebhooksException.unknownSource(push.source, knownSources());
    const ts = checkTimestamp(push.timestamp, Date.now());
    if (!ts.ok) throw WebhooksException.timestamp(ts.reason);
    const endpoint = await this.endpoints.authenticate({
      endpointId: push.endpointId,
      source: push.source,
      timestamp: push.timestamp!,
      body: push.body,
      signature: push.signature,
    });
    const deliveryId = push.deliveryId;
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) throw WebhooksException.badDeliveryId();
    const inputs = await readWebhookPayload(normaliser, push.body);

    const delivery: Delivery = {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      deliveryId,
      signedAt: ts.seconds,
      bodySha256: createHash('sha256').update(push.body).digest(),
    };
    let result: DeliveryResult;
    try {
      if (inputs.length === 0) {
        await this.deliveries.recordEmpty(delivery);
        result = { accepted: 0, created: 0, deduplicated: 0, alertIds: [] };
      } else {
        // The delivery is recorded in the alerts' own transaction: both land, or neither does.
        const stored = await this.alerts.ingest(principalFor(endpoint), inputs, {
          first: (em) => this.deliveries.checkIn(em, delivery),
          alongside: (em, outcome) => this.deliveries.recordIn(em, delivery, outcome),
        });
        result = {
          accepted: inputs.length,
          created: stored.created,
          deduplicated: stored.deduplicated,
          alertIds: stored.alertIds,
        };
      }
    } catch (err) {
      // Seen before: the transaction rolled back, and the sender gets the first answer (or a refusal).
      if (err instanceof DeliveryExists)
        return { replayed: true, result: this.deliveries.answer(err, delivery) };
      throw err;
    }
    this.deliveries.pruneNowAndThen();
    return { replayed: false, result };
  }
}

/** Pushes act as the endpoint: analysts' rights (ingest), traceable in timelines as webhook:<id>. */
function principalFor(endpoint: EndpointKeys): Principal {
  return {
    kind: 'apiKey',
    actorId: `webhook:${endpoint.id}`,
    name: `webhook ${endpoint.source}`,
    tenantId: endpoint.tenantId,
    role: 'analyst',
    providerAdmin: false,
  };
}
