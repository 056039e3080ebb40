import { AppError } from '../common/errors/app-error';
import { CASE_STATUSES, type CaseStatus } from '../cases/case-status';
import type { CasesService } from '../cases/cases.service';

/** Actions on Cordon itself, callable from playbooks like any vendor action. */
export type BuiltinAction = (args: {
  tenantId: string;
  runId: string;
  caseId: string | null;
  input: Record<string, unknown>;
}) => Promise<Record<string, unknown>>;

export function createBuiltinActions(deps: { cases: CasesService }): Record<string, BuiltinAction> {
  return {
    'case.set_status': async ({ tenantId, runId, caseId, input }) => {
      const status = typeof input.status === 'string' ? input.status : '';
      if (!(CASE_STATUSES as readonly string[]).includes(status)) {
        throw new AppError(
          'BAD_USER_INPUT',
          `case.set_status: status must be one of ${CASE_STATUSES.join(', ')}, got "${status}"`,
        );
      }
      const target = typeof input.case_id === 'string' ? input.case_id : caseId;
      if (!target)
        throw new AppError(
          'BAD_USER_INPUT',
          'case.set_status: this run has no case and no case_id was given',
        );
      const row = await deps.cases.setStatus(tenantId, target, status as CaseStatus, `playbook:${runId}`);
      return { case_id: row.id, status: row.status };
    },
  };
}
