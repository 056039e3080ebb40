import type { PlaybookRunEntity } from '../entities/playbook-run.entity';
import type { StepRunEntity } from '../entities/step-run.entity';
import type { PlaybookRunModel, StepRunModel } from '../models/playbook-run.model';

function toStepModel(s: StepRunEntity): StepRunModel {
  return {
    stepId: s.stepId,
    kind: s.kind,
    action: s.action,
    status: s.status,
    attempts: s.attempts,
    input: s.input ?? null,
    output: s.output ?? null,
    error: s.error ?? null,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

const when = (s: StepRunEntity) => (s.startedAt ?? s.finishedAt ?? s.updatedAt).getTime();

export function toRunModel(run: PlaybookRunEntity, steps: StepRunEntity[]): PlaybookRunModel {
  return {
    id: run.id,
    playbookId: run.playbookId,
    playbookVersionId: run.playbookVersionId,
    workflowId: run.workflowId,
    caseId: run.caseId,
    alertId: run.alertId,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    status: run.status,
    error: run.error ?? null,
    steps: [...steps].sort((a, b) => when(a) - when(b)).map(toStepModel),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    createdAt: run.createdAt,
  };
}
