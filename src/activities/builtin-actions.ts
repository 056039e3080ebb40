import { AppError } from '../common/errors/app-error';
import type { Principal } from '../auth/principal';
import { CASE_STATUSES, type CaseStatus } from '../cases/case-status';
import type { CaseUpdatesService } from '../cases/case-updates.service';
import type { CasesService } from '../cases/cases.service';
import type { AlertsService } from '../alerts/alerts.service';
import { ALERT_STATUSES, type AlertStatus } from '../alerts/alert-status';
import { OBSERVABLE_TYPES, type ObservableType } from '../alerts/observable-type';
import type { BUILTIN_ACTIONS } from '../workflows/playbook.types';

/** Actions on Cordon itself, callable from playbooks like any vendor action. */
export type BuiltinAction = (args: {
  tenantId: string;
  runId: string;
  /** The step, with its foreach item ("notes[2]"): with runId, the same for every attempt. */
  stepId: string;
  caseId: string | null;
  input: Record<string, unknown>;
}) => Promise<Record<string, unknown>>;

export interface BuiltinDeps {
  cases: CasesService;
  caseUpdates: CaseUpdatesService;
  alerts: AlertsService;
}

/** A run acts in the timeline as `playbook:<run id>`, with the rights its definition was saved with. */
function runPrincipal(tenantId: string, runId: string): Principal {
  return {
    kind: 'apiKey',
    actorId: `playbook:${runId}`,
    name: `playbook run ${runId}`,
    tenantId,
    role: 'admin',
    providerAdmin: false,
  };
}

function text(input: Record<string, unknown>, field: string, action: string): string {
  const value = input[field];
  if (typeof value !== 'string' || !value.trim())
    throw new AppError('BAD_USER_INPUT', `${action}: "${field}" is required (a non-empty string)`);
  return value;
}

function oneOf<T extends string>(
  input: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  action: string,
): T {
  const value = input[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new AppError(
      'BAD_USER_INPUT',
      `${action}: ${field} must be one of ${allowed.join(', ')}, got "${String(value)}"`,
    );
  return value as T;
}

function targetCase(input: Record<string, unknown>, caseId: string | null, action: string): string {
  const target = typeof input.case_id === 'string' ? input.case_id : caseId;
  if (!target)
    throw new AppError('BAD_USER_INPUT', `${action}: this run has no case and no case_id was given`);
  return target;
}

export function createBuiltinActions(deps: BuiltinDeps): Record<keyof typeof BUILTIN_ACTIONS, BuiltinAction> {
  return {
    'case.set_status': async ({ tenantId, runId, caseId, input }) => {
      const status = oneOf<CaseStatus>(input, 'status', CASE_STATUSES, 'case.set_status');
      const target = targetCase(input, caseId, 'case.set_status');
      const resolution = typeof input.resolution === 'string' ? input.resolution : undefined;
      const row = resolution
        ? await deps.caseUpdates.update(runPrincipal(tenantId, runId), {
            caseId: target,
            status,
            resolution: resolution as never,
          })
        : await deps.cases.setStatus(tenantId, target, status, `playbook:${runId}`);
      return { case_id: row.id, status: row.status };
    },
    'case.add_comment': async ({ tenantId, runId, stepId, caseId, input }) => {
      const body = text(input, 'text', 'case.add_comment');
      const target = targetCase(input, caseId, 'case.add_comment');
      // A retry of an attempt whose insert committed (its completion lost) must not post twice.
      await deps.caseUpdates.addComment(
        runPrincipal(tenantId, runId),
        { caseId: target, body },
        `comment:${runId}/${stepId}`,
      );
      return { case_id: target, commented: true };
    },
    'case.assign': async ({ tenantId, runId, caseId, input }) => {
      const assignee = typeof input.assignee === 'string' ? input.assignee : '';
      const target = targetCase(input, caseId, 'case.assign');
      const row = await deps.caseUpdates.update(runPrincipal(tenantId, runId), { caseId: target, assignee });
      return { case_id: row.id, assignee: row.assignee };
    },
    'case.add_tags': async ({ tenantId, runId, caseId, input }) => {
      const tags = Array.isArray(input.tags)
        ? input.tags.filter((t): t is string => typeof t === 'string')
        : [];
      if (!tags.length)
        throw new AppError('BAD_USER_INPUT', 'case.add_tags: "tags" must be a non-empty list of strings');
      const target = targetCase(input, caseId, 'case.add_tags');
      const current = await deps.cases.get(tenantId, target);
      const row = await deps.caseUpdates.update(runPrincipal(tenantId, runId), {
        caseId: target,
        tags: [...current.tags, ...tags],
      });
      return { case_id: row.id, tags: row.tags };
    },
    'case.add_observable': async ({ tenantId, runId, caseId, input }) => {
      const type = oneOf<ObservableType>(input, 'type', OBSERVABLE_TYPES, 'case.add_observable');
      const value = text(input, 'value', 'case.add_observable');
      const target = targetCase(input, caseId, 'case.add_observable');
      return deps.alerts.addCaseObservable(tenantId, target, { type, value }, `playbook:${runId}`);
    },
    'alert.set_status': async ({ tenantId, input }) => {
      const status = oneOf<AlertStatus>(input, 'status', ALERT_STATUSES, 'alert.set_status');
      const alertId = text(input, 'alert_id', 'alert.set_status');
      const alert = await deps.alerts.setStatus(tenantId, alertId, status);
      return { alert_id: alert.id, status: alert.status };
    },
  };
}
