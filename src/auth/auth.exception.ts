import { AppError } from '../common/errors/app-error';

export class AuthException extends AppError {
  static unauthenticated(
    reason = 'a valid API key or sign-in token is required (Authorization: Bearer <key or token>)',
  ): AuthException {
    return new AuthException('UNAUTHENTICATED', reason);
  }

  static forbidden(needed: string): AuthException {
    return new AuthException('FORBIDDEN', `this operation needs the ${needed} role`);
  }
}
