import { raw, type RequestHandler } from 'express';
import { WEBHOOK_BODY_LIMIT_BYTES } from './webhook-contract';

/**
 * The body parser for /webhooks: keeps the exact bytes (signatures are over them, not over
 * re-serialised JSON), whatever the content type, up to 2 MB. Mounted ahead of the JSON parser,
 * which then leaves these requests alone; every other route keeps JSON parsing as before.
 * Compressed bodies are refused (415) so that what is signed is what arrived.
 * Parser errors answer in the API's error shape here, since they happen before Nest's filters.
 */
export function webhookBodyParser(): RequestHandler {
  const parse = raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT_BYTES, inflate: false });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (!err) {
        next();
        return;
      }
      const status = statusOf(err);
      const tooLarge = status === 413;
      res.status(status).json({
        error: {
          code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT',
          message: tooLarge
            ? `body: larger than the ${WEBHOOK_BODY_LIMIT_BYTES / 1024 / 1024} MB webhook limit`
            : `body: ${(err as Error).message}`,
        },
      });
    });
  };
}

function statusOf(err: unknown): number {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}
