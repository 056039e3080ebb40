import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { AlertsService, IngestHooks } from '../alerts/alerts.service';
import type { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { DeliveryExists, WebhookDeliveriesService } from './webhook-deliveries.service';
import type { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookIngestService, type WebhookPush } from './webhook-ingest.service';

const BODY = fs.readFileSync(path.join(__dirname, '../../test/fixtures/alerts/crowdstrike/alert-v2.json'));
const ENDPOINT = { id: 'e1', tenantId: 't1', source: 'crowdstrike' } as WebhookEndpointEntity;

function setup() {
  const endpoints = { authenticate: jest.fn().mockResolvedValue(ENDPOINT) };
  const deliveries = {
    checkIn: jest.fn().mockResolvedValue(undefined),
    recordIn: jest.fn().mockResolvedValue(undefined),
    recordEmpty: jest.fn().mockResolvedValue(undefined),
    // Pure: what a redelivery gets, as the service answers it.
    answer: jest.fn(WebhookDeliveriesService.prototype.answer),
    pruneNowAndThen: jest.fn().mockResolvedValue(undefined),
  };
  // The ingest runs its hooks in its transaction (here: a stand-in manager), `alongside` with what it stored.
  const em = { transaction: 'ingest' } as unknown as EntityManager;
  const alerts = {
    ingest: jest.fn(async (_principal, _inputs, hooks: IngestHooks = {}) => {
      await hooks.first?.(em);
      await hooks.alongside?.(em, { alertIds: ['a1'], created: 1 });
      return { alertIds: ['a1'], created: 1, deduplicated: 0 };
    }),
  };
  const service = new WebhookIngestService(
    endpoints as unknown as WebhookEndpointsService,
    deliveries as unknown as WebhookDeliveriesService,
    alerts as unknown as AlertsService,
  );
  const push: WebhookPush = {
    source: 'crowdstrike',
    endpointId: 'e1',
    timestamp: String(Math.floor(Date.now() / 1000)),
    deliveryId: 'd1',
    signature: 'v1=…',
    body: BODY,
  };
  return { service, endpoints, deliveries, alerts, push };
}

describe('WebhookIngestService', () => {
  it('stores the alerts as the endpoint and records the delivery in the same transaction', async () => {
    const { service, deliveries, alerts, push } = setup();
    await expect(service.receive(push)).resolves.toEqual({
      replayed: false,
      result: { accepted: 1, created: 1, deduplicated: 0, alertIds: ['a1'] },
    });
    expect(alerts.ingest.mock.calls[0][0]).toEqual({
      kind: 'apiKey',
      actorId: 'webhook:e1',
      name: 'webhook crowdstrike',
      tenantId: 't1',
      role: 'analyst',
      providerAdmin: false,
    });
    const delivery = expect.objectContaining({
      tenantId: 't1',
      endpointId: 'e1',
      deliveryId: 'd1',
      bodySha256: expect.any(Buffer),
    });
    expect(deliveries.checkIn).toHaveBeenCalledWith({ transaction: 'ingest' }, delivery);
    expect(deliveries.recordIn).toHaveBeenCalledWith({ transaction: 'ingest' }, delivery, {
      alertIds: ['a1'],
      created: 1,
    });
  });

  it('passes a failed store on: nothing was recorded, so the sender’s retry is stored', async () => {
    const { service, deliveries, alerts, push } = setup();
    alerts.ingest.mockRejectedValue(new Error('database went away'));
    await expect(service.receive(push)).rejects.toThrow('database went away');
    expect(deliveries.answer).not.toHaveBeenCalled();
  });

  it('answers a redelivery from the first result (the storing transaction ends at its first look)', async () => {
    const { service, deliveries, push } = setup();
    const sha = createHash('sha256').update(BODY).digest();
    deliveries.checkIn.mockRejectedValue(
      new DeliveryExists({ status: 'done', body_sha256: sha, alert_ids: ['a0'], created_count: 0 }),
    );
    await expect(service.receive(push)).resolves.toEqual({
      replayed: true,
      result: { accepted: 1, created: 0, deduplicated: 1, alertIds: ['a0'] },
    });
    expect(deliveries.recordIn).not.toHaveBeenCalled();
  });

  it('checks the timestamp before looking at the endpoint, and authenticates before reading the body', async () => {
    const { service, endpoints, alerts, push } = setup();
    await expect(service.receive({ ...push, timestamp: '1' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(endpoints.authenticate).not.toHaveBeenCalled();
    endpoints.authenticate.mockRejectedValue(new Error('unauthenticated'));
    await expect(service.receive({ ...push, body: Buffer.from('{') })).rejects.toThrow('unauthenticated');
    expect(alerts.ingest).not.toHaveBeenCalled();
  });
});
