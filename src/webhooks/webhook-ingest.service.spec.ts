import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AlertsService } from '../alerts/alerts.service';
import type { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import type { WebhookDeliveriesService } from './webhook-deliveries.service';
import type { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookIngestService, type WebhookPush } from './webhook-ingest.service';

const BODY = fs.readFileSync(path.join(__dirname, '../../test/fixtures/alerts/crowdstrike/alert-v2.json'));
const ENDPOINT = { id: 'e1', tenantId: 't1', source: 'crowdstrike' } as WebhookEndpointEntity;

function setup() {
  const endpoints = { authenticate: jest.fn().mockResolvedValue(ENDPOINT) };
  const deliveries = {
    claim: jest.fn().mockResolvedValue({ kind: 'claimed' }),
    complete: jest.fn().mockResolvedValue(undefined),
    completeIn: jest.fn().mockResolvedValue(undefined),
    release: jest.fn().mockResolvedValue(undefined),
    pruneNowAndThen: jest.fn().mockResolvedValue(undefined),
  };
  // The ingest runs its `alongside` in its transaction (here: a stand-in manager) with what it stored.
  const em = { transaction: 'ingest' };
  const alerts = {
    ingest: jest.fn(
      async (_principal, _inputs, alongside?: (em: unknown, stored: unknown) => Promise<void>) => {
        await alongside?.(em, { alertIds: ['a1'], created: 1 });
        return { alertIds: ['a1'], created: 1, deduplicated: 0 };
      },
    ),
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
  it('stores the alerts as the endpoint and marks the delivery done in the same transaction', async () => {
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
    expect(deliveries.completeIn).toHaveBeenCalledWith(
      { transaction: 'ingest' },
      { tenantId: 't1', endpointId: 'e1', deliveryId: 'd1' },
      { alertIds: ['a1'], created: 1 },
    );
    expect(deliveries.release).not.toHaveBeenCalled();
  });

  it('releases the claim when storing fails, so a retry can succeed', async () => {
    const { service, deliveries, alerts, push } = setup();
    alerts.ingest.mockRejectedValue(new Error('database went away'));
    await expect(service.receive(push)).rejects.toThrow('database went away');
    expect(deliveries.release).toHaveBeenCalledWith({ tenantId: 't1', endpointId: 'e1', deliveryId: 'd1' });
    expect(deliveries.completeIn).not.toHaveBeenCalled();
  });

  it('answers a redelivery from the stored result without storing anything', async () => {
    const { service, deliveries, alerts, push } = setup();
    const result = { accepted: 1, created: 1, deduplicated: 0, alertIds: ['a0'] };
    deliveries.claim.mockResolvedValue({ kind: 'done', result });
    await expect(service.receive(push)).resolves.toEqual({ replayed: true, result });
    expect(alerts.ingest).not.toHaveBeenCalled();
  });

  it('checks the timestamp before looking at the endpoint, and authenticates before reading the body', async () => {
    const { service, endpoints, deliveries, push } = setup();
    await expect(service.receive({ ...push, timestamp: '1' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(endpoints.authenticate).not.toHaveBeenCalled();
    endpoints.authenticate.mockRejectedValue(new Error('unauthenticated'));
    await expect(service.receive({ ...push, body: Buffer.from('{') })).rejects.toThrow('unauthenticated');
    expect(deliveries.claim).not.toHaveBeenCalled();
  });
});
