import { AppError } from '../common/errors/app-error';
import type { PlaybookProblem } from './parser/problems';

export class PlaybooksException extends AppError {
  /** BAD_USER_INPUT; `extensions.problems` lists each problem with its line and step. */
  static invalid(problems: PlaybookProblem[]): PlaybooksException {
    const first = problems[0];
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), see extensions.problems)` : '';
    return new PlaybooksException(
      'BAD_USER_INPUT',
      `invalid playbook: ${first ? `line ${first.line ?? 1}: ${first.message}` : 'unknown problem'}${more}`,
      { field: 'source', problems },
    );
  }

  static notFound(id: string): PlaybooksException {
    return new PlaybooksException('NOT_FOUND', `playbook "${id}" not found`, { playbookId: id });
  }
}
