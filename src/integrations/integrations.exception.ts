import { AppError } from '../common/errors/app-error';

export class IntegrationsException extends AppError {
  static unknownIntegration(id: string): IntegrationsException {
    return new IntegrationsException('BAD_USER_INPUT', `integrationId: no integration "${id}" is installed`, {
      field: 'integrationId',
    });
  }

  static connectionNotFound(id: string): IntegrationsException {
    return new IntegrationsException('NOT_FOUND', `connection ${id} not found`);
  }

  static unbound(capability: string): IntegrationsException {
    return new IntegrationsException(
      'BAD_USER_INPUT',
      `no connection is bound to "${capability}" for this tenant (bindCapability)`,
    );
  }
}
