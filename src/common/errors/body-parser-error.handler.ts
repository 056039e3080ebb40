import type { ErrorRequestHandler } from 'express';

/** What body-parser attaches to the errors it raises (see its README, "Errors"). */
interface BodyParserError extends Error {
  type: string;
  status: number;
  expose: boolean;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (!(err instanceof Error)) return false;
  const { type, status, expose } = err as Partial<BodyParserError>;
  return typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500 && !!expose;
}

/**
 * Answers the JSON body parser's own refusals (too large, malformed, bad charset) with their 4xx
 * status and a GraphQL-shaped body, as Apollo answers its other bad requests: these happen before
 * Nest's filters and Apollo see the request. /graphql is the only JSON route (webhooks parse
 * their raw bytes themselves). Anything else goes on to the next handler.
 */
export function bodyParserErrorHandler(limitBytes: number): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (!isBodyParserError(err)) {
      next(err);
      return;
    }
    const tooLarge = err.status === 413;
    const message = tooLarge
      ? `body: larger than the ${limitBytes / 1024 / 1024} MB limit`
      : err.type === 'entity.parse.failed'
        ? `body: not valid JSON (${err.message})`
        : `body: ${err.message}`;
    res.status(err.status).json({
      errors: [{ message, extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT' } }],
    });
  };
}
