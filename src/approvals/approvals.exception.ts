import { AppError } from '../common/errors/app-error';
import { REFUSAL } from '../workflows/messages';

export class ApprovalsException extends AppError {
  static notFound(id: string): ApprovalsException {
    return new ApprovalsException('NOT_FOUND', `approval ${id} not found`);
  }

  static alreadyDecided(id: string, status: string): ApprovalsException {
    return new ApprovalsException('CONFLICT', `approval ${id} is already ${status}`, { status });
  }

  /** Maps the workflow's refusal (its update validator) to what the caller is told. */
  static refused(type: string | null | undefined, message: string): ApprovalsException {
    switch (type ?? '') {
      case REFUSAL.notPending:
      case REFUSAL.alreadyDecided:
        return new ApprovalsException('CONFLICT', message);
      case REFUSAL.requester:
      case REFUSAL.notEligible:
        return new ApprovalsException('FORBIDDEN', message);
      default:
        return new ApprovalsException('CONFLICT', message);
    }
  }
}
