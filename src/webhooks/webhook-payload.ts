import { ListValidationPipe } from '../common/errors/list-validation.pipe';
import { AlertInput } from '../alerts/dto/alert.input';
import { NormaliseError, type NormalisedAlert, type SourceNormaliser } from '../alerts/normalisers';
import { MAX_ALERTS_PER_DELIVERY } from './webhook-contract';
import { WebhooksException } from './webhooks.exception';
import { holdsUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../common/validation/unstorable-text';

/**
 * A pushed body to validated AlertInputs: JSON, then the source's normaliser, then the same
 * class-validator rules as `ingestAlerts`, so both paths store the same shape.
 */
export async function readWebhookPayload(normaliser: SourceNormaliser, body: Buffer): Promise<AlertInput[]> {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw WebhooksException.malformedJson((err as Error).message);
  }
  // PostgreSQL stores no NUL characters: refuse them rather than fail the write.
  if (holdsUnstorableText(payload))
    throw WebhooksException.rejectedPayload('body', `body: ${UNSTORABLE_TEXT_MESSAGE}`);
  let alerts: NormalisedAlert[];
  try {
    alerts = normaliser.normalise(payload);
  } catch (err) {
    if (err instanceof NormaliseError) throw WebhooksException.rejectedPayload(err.field, err.message);
    throw err;
  }
  if (alerts.length > MAX_ALERTS_PER_DELIVERY) {
    throw WebhooksException.tooManyAlerts(alerts.length, MAX_ALERTS_PER_DELIVERY);
  }
  if (alerts.length === 0) return [];
  const plain = alerts.map((a) => ({
    source: a.source,
    sourceRef: a.sourceRef,
    title: a.title,
    ...(a.description === undefined ? {} : { description: a.description }),
    severity: a.severity,
    detectedAt: a.detectedAt,
    techniques: a.techniques,
    observables: a.observables.map((o) => ({ type: o.type, value: o.value })),
    raw: a.raw,
  }));
  return new ListValidationPipe(
    AlertInput,
    'alerts',
    MAX_ALERTS_PER_DELIVERY,
    AlertInput.fromPlain,
  ).transform(plain);
}
