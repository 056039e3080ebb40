import { AppError } from '../common/errors/app-error';

/** Webhook errors. REST answers them through AppErrorFilter as `{ error: { code, message } }`. */
export class WebhooksException extends AppError {
  /**
   * Unknown, revoked or wrong-source endpoint, and a bad or missing signature, all look the
   * same: a caller learns nothing about which endpoints exist.
   */
  static unauthenticated(): WebhooksException {
    return new WebhooksException(
      'UNAUTHENTICATED',
      'the webhook request could not be authenticated (X-Cordon-Endpoint, X-Cordon-Signature)',
    );
  }

  static timestamp(reason: 'missing' | 'malformed' | 'outside-window'): WebhooksException {
    return new WebhooksException(
      'UNAUTHENTICATED',
      reason === 'outside-window'
        ? 'X-Cordon-Timestamp is more than 5 minutes from the server clock; sign each request when sending it'
        : `X-Cordon-Timestamp is ${reason}: expected unix seconds`,
    );
  }

  static unknownSource(source: string, known: string[]): WebhooksException {
    return new WebhooksException(
      'NOT_FOUND',
      `no webhook source "${source}"; known sources: ${known.join(', ')}`,
    );
  }

  static unknownSourceInput(source: string, known: string[]): WebhooksException {
    return new WebhooksException(
      'BAD_USER_INPUT',
      `source: no normaliser for "${source}"; known sources: ${known.join(', ')}`,
      { field: 'source', knownSources: known },
    );
  }

  static badDeliveryId(): WebhooksException {
    return new WebhooksException(
      'BAD_USER_INPUT',
      'X-Cordon-Delivery: required, 1-128 printable ASCII characters, unique per delivery',
      { field: 'X-Cordon-Delivery' },
    );
  }

  static malformedJson(detail: string): WebhooksException {
    return new WebhooksException('BAD_USER_INPUT', `body: not valid JSON (${detail})`, { field: 'body' });
  }

  static rejectedPayload(field: string, message: string): WebhooksException {
    return new WebhooksException('BAD_USER_INPUT', message, { field });
  }

  static tooManyAlerts(count: number, max: number): WebhooksException {
    return new WebhooksException(
      'BAD_USER_INPUT',
      `body: at most ${max} alerts per delivery, got ${count}; split the push`,
      { field: 'body' },
    );
  }

  static deliveryConflict(deliveryId: string): WebhooksException {
    return new WebhooksException(
      'CONFLICT',
      `delivery ${deliveryId} was already received with a different body; use a new X-Cordon-Delivery for new content`,
    );
  }

  static deliveryInProgress(deliveryId: string): WebhooksException {
    return new WebhooksException(
      'CONFLICT',
      `delivery ${deliveryId} is still being processed; retry shortly`,
    );
  }

  static replayed(): WebhooksException {
    return new WebhooksException(
      'CONFLICT',
      'this signed request was already delivered under another X-Cordon-Delivery (replay)',
    );
  }

  static endpointNotFound(id: string): WebhooksException {
    return new WebhooksException('NOT_FOUND', `webhook endpoint ${id} not found`);
  }

  static endpointRevoked(id: string): WebhooksException {
    return new WebhooksException('CONFLICT', `webhook endpoint ${id} is revoked`);
  }
}
