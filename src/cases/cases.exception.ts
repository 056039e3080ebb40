import { AppError } from '../common/errors/app-error';
import type { CaseStatus } from './case-status';

export class CasesException extends AppError {
  static notFound(id: string): CasesException {
    return new CasesException('NOT_FOUND', `case ${id} not found`);
  }

  static illegalTransition(from: CaseStatus, to: CaseStatus): CasesException {
    return new CasesException('CONFLICT', `a case cannot go from ${from} to ${to}`, { from, to });
  }

  static resolutionRequired(): CasesException {
    return new CasesException(
      'BAD_USER_INPUT',
      'resolution: required to close a case (TRUE_POSITIVE, BENIGN, FALSE_POSITIVE or DUPLICATE)',
      { field: 'resolution' },
    );
  }

  static alertsNotFound(ids: string[]): CasesException {
    return new CasesException('NOT_FOUND', `alerts not found: ${ids.join(', ')}`, { ids });
  }
}
