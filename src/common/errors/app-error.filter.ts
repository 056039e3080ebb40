import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, httpStatusFor } from './app-error';

/** REST side of the one error mapping (GraphQL errors go through formatGraphqlError). */
@Catch(AppError)
export class AppErrorFilter implements ExceptionFilter {
  catch(error: AppError, host: ArgumentsHost): void {
    if (host.getType<string>() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<Response>();
    res
      .status(httpStatusFor(error.code))
      .json({ error: { code: error.code, message: error.message, ...(error.details ?? {}) } });
  }
}
