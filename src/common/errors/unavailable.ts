import { AppError } from './app-error';

/** Socket-level failures: the service is not there (yet) or dropped us. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is going away or not taking connections (class 08 is matched whole). */
const PG_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says when the socket under a client dies, or no connection comes in time. */
const PG_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)/i;

/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED: the Temporal frontend cannot be reached. */
const GRPC_CODES = new Set([14, 4]);

/**
 * An error that means PostgreSQL or Temporal could not be reached, as the client should see it:
 * UNAVAILABLE, retry later (503 over REST). Null for anything else, which stays masked. Only
 * our own infrastructure ends up here: vendor calls fail as VendorError inside activities.
 */
export function asUnavailable(err: unknown): AppError | null {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e);) {
    seen.add(e);
    const { name, code, message, cause, driverError, errors } = e as {
      name?: string;
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    // @temporalio/client's ServiceError wraps the gRPC error; a bare gRPC error carries metadata.
    const grpc =
      name === 'ServiceError'
        ? (cause as { code?: unknown } | undefined)?.code
        : 'metadata' in e
          ? code
          : undefined;
    if (typeof grpc === 'number' && GRPC_CODES.has(grpc)) return unavailable('Temporal');
    if (
      typeof code === 'string' &&
      (NETWORK_CODES.has(code) || PG_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
    )
      return unavailable('database');
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return unavailable('database');
    // TypeORM keeps the driver's error; Node's connect keeps one per address tried.
    e = driverError ?? cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return null;
}

function unavailable(service: 'database' | 'Temporal'): AppError {
  const what = service === 'database' ? 'The database' : 'Temporal';
  return new AppError('UNAVAILABLE', `${what} is unavailable right now; retry the request shortly`, {
    retryable: true,
  });
}
