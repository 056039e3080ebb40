import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { AppError, httpStatusFor } from './app-error';
import { asUnavailable } from './unavailable';

/** How long a client should wait before retrying while PostgreSQL or Temporal is away. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * REST side of the one error mapping (GraphQL errors go through formatGraphqlError): typed
 * errors, and an unreachable database or Temporal as 503 with Retry-After. Everything else gets
 * Nest's default handling (construct with the HTTP adapter).
 */
@Catch()
export class AppErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType<string>() !== 'http') throw error;
    const mapped = error instanceof AppError ? error : asUnavailable(error);
    if (!mapped) return super.catch(error, host);
    const res = host.switchToHttp().getResponse<Response>();
    if (mapped.code === 'UNAVAILABLE') res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res
      .status(httpStatusFor(mapped.code))
      .json({ error: { code: mapped.code, message: mapped.message, ...(mapped.details ?? {}) } });
  }
}
