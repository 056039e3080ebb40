import {
  RecordingFakeServer,
  type FakeRequest,
  type FakeResponse,
} from '../../../src/integrations/kit/fake-server';
import {
  checkTimestamp,
  TIMESTAMP_TOLERANCE_SECONDS,
  verifyWebhookSignature,
} from '../../../src/webhooks/webhook-signature';

export const WEBHOOK_FAKE_PATH = '/hooks/cordon';
export const WEBHOOK_FAKE_SECRET = 'fake-generic-webhook-signing-secret-0123';

export interface WebhookFakeOptions {
  /** The receiver's path (default /hooks/cordon); other paths answer 404. */
  path?: string;
  /** Secrets the receiver accepts (one matching is enough, as during a rotation). */
  secrets?: string[];
  toleranceSeconds?: number;
  now?: () => number;
}

export interface ReceivedDelivery {
  deliveryId: string;
  event: string;
  timestamp: number;
  payload: Record<string, unknown>;
}

/**
 * A receiver that does what Cordon's README asks of one: checks X-Cordon-Timestamp and
 * X-Cordon-Signature, and answers a repeated X-Cordon-Delivery with the first answer without
 * acting again. Pings (`X-Cordon-Event: ping`) are answered and not kept.
 */
export class WebhookFake extends RecordingFakeServer {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly path: string;
  private readonly secrets: string[];
  private readonly toleranceSeconds: number;
  private readonly now: () => number;

  constructor(options: WebhookFakeOptions = {}) {
    super();
    this.path = options.path ?? WEBHOOK_FAKE_PATH;
    this.secrets = options.secrets ?? [WEBHOOK_FAKE_SECRET];
    this.toleranceSeconds = options.toleranceSeconds ?? TIMESTAMP_TOLERANCE_SECONDS;
    this.now = options.now ?? Date.now;
    this.route('POST', this.path, (req) => this.receive(req));
    this.route('GET', '/__deliveries', () => ({ status: 200, body: this.deliveries }));
  }

  protected override errorBody(status: number, message: string): unknown {
    return { error: { code: `http_${status}`, message } };
  }

  private receive(req: FakeRequest): FakeResponse {
    const raw = rawBody(req);
    if (raw === undefined)
      return refuse(400, 'unverifiable_body', 'the body must be compact JSON (as JSON.stringify writes it)');
    const ts = checkTimestamp(req.headers['x-cordon-timestamp'], this.now(), this.toleranceSeconds);
    if (!ts.ok) return refuse(401, 'bad_timestamp', `X-Cordon-Timestamp is ${ts.reason}`);
    const signed = verifyWebhookSignature({
      secrets: this.secrets,
      timestamp: req.headers['x-cordon-timestamp'] ?? '',
      body: raw,
      header: req.headers['x-cordon-signature'],
    });
    if (!signed) return refuse(401, 'bad_signature', 'X-Cordon-Signature does not match the body');
    const deliveryId = req.headers['x-cordon-delivery'];
    if (!deliveryId) return refuse(400, 'missing_delivery', 'X-Cordon-Delivery is required');
    const event = req.headers['x-cordon-event'] ?? 'notification';
    if (event === 'ping') return { status: 200, body: { received: true, event } };
    const payload = req.body as Record<string, unknown>;
    if (typeof payload.text !== 'string') return refuse(422, 'bad_payload', 'text is required');
    if (this.deliveries.some((d) => d.deliveryId === deliveryId))
      return { status: 200, body: { received: true, duplicate: true, delivery: deliveryId } };
    this.deliveries.push({ deliveryId, event, timestamp: ts.seconds, payload });
    this.recordEffect('notify.send', this.path);
    return { status: 200, body: { received: true, duplicate: false, delivery: deliveryId } };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createWebhookFake(options: WebhookFakeOptions = {}): WebhookFake {
  return new WebhookFake(options);
}

/**
 * The kit's fake server hands handlers parsed JSON, not bytes. Re-serialising gives back the raw
 * body of any compact JSON.stringify output (what Cordon sends); the Content-Length check refuses
 * any other layout rather than verify bytes we did not see. Real receivers verify the raw bytes.
 */
function rawBody(req: FakeRequest): Buffer | undefined {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return undefined;
  const raw = Buffer.from(JSON.stringify(req.body), 'utf8');
  return String(raw.length) === req.headers['content-length'] ? raw : undefined;
}

function refuse(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}
