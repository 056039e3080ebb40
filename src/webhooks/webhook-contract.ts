/** The REST side of webhooks: paths, headers and limits shared by the controller, parser and models. */
export const WEBHOOKS_PATH = '/webhooks';
export const WEBHOOK_BODY_LIMIT_BYTES = 2 * 1024 * 1024;
export const MAX_ALERTS_PER_DELIVERY = 1000;
export const MAX_DELIVERY_ID_LENGTH = 128;
/** The most a rotated-out secret may stay valid. */
export const MAX_OVERLAP_MINUTES = 7 * 24 * 60;

export const WEBHOOK_HEADERS = {
  endpoint: 'x-cordon-endpoint',
  timestamp: 'x-cordon-timestamp',
  delivery: 'x-cordon-delivery',
  signature: 'x-cordon-signature',
} as const;

/** Where a source's pushes go; the endpoint itself is named by X-Cordon-Endpoint. */
export function webhookPath(source: string): string {
  return `${WEBHOOKS_PATH}/alerts/${source}`;
}

export const WEBHOOK_CONTRACT_DESCRIPTION = [
  'POST the source tool’s native JSON to `url` with these headers:',
  '`X-Cordon-Endpoint: <endpoint id>`;',
  '`X-Cordon-Timestamp: <unix seconds>` (within 5 minutes of the server clock);',
  '`X-Cordon-Delivery: <unique id, at most 128 characters>` (a redelivery with the same id and body returns the first result);',
  '`X-Cordon-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, keyed with the secret text as shown.',
  'Bodies up to 2 MB and 1,000 alerts; the answer is 202 `{ accepted, created, deduplicated, alertIds }`.',
].join(' ');
