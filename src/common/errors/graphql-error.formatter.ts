import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { Logger } from '@nestjs/common';
import { AppError, type ErrorCode } from './app-error';
import { asUnavailable } from './unavailable';

const logger = new Logger('GraphQL');

/** The code of an unexpected error, whose message and details are never shown. */
export const MASKED_CODE = 'INTERNAL_SERVER_ERROR';

const PASS_THROUGH: Record<string, ErrorCode> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
};

/**
 * The one place errors become what clients see: typed errors keep their code and message,
 * GraphQL's own input errors become BAD_USER_INPUT, and anything unexpected is masked.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, ...(original.details ?? {}) },
    };
  }
  const given = formatted.extensions?.code;
  const code = typeof given === 'string' ? PASS_THROUGH[given] : undefined;
  if (code) {
    return {
      message: formatted.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code },
    };
  }
  // PostgreSQL or Temporal out of reach: say so, so clients retry instead of giving up.
  const unavailable = asUnavailable(original);
  if (unavailable) {
    logger.warn({ err: original, path: formatted.path }, 'a backing service is unavailable');
    return {
      message: unavailable.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: unavailable.code, ...unavailable.details },
    };
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: MASKED_CODE },
  };
}
