import type { PlaybookVersionEntity } from '../entities/playbook-version.entity';
import type { ParseResult } from '../playbook-parser';
import type { PlaybookSummary } from '../playbooks.service';
import {
  PlaybookOrigin,
  type PlaybookModel,
  type PlaybookValidationModel,
  type PlaybookVersionModel,
} from '../models/playbook.model';

function originOf(row: PlaybookVersionEntity): PlaybookOrigin {
  return row.origin === 'saved' ? PlaybookOrigin.SAVED : PlaybookOrigin.SHIPPED;
}

export function toPlaybookModel(p: PlaybookSummary): PlaybookModel {
  const definition = p.version.definition;
  return {
    id: p.playbookId,
    name: definition.name,
    description: definition.description ?? null,
    triggerEvent: definition.trigger.event,
    triggerWhen: definition.trigger.when ?? null,
    enabled: p.enabled,
    activeVersionId: p.version.id,
    contentHash: p.version.contentHash,
    origin: originOf(p.version),
    overridesShipped: p.shipped !== null && p.version.id !== p.shipped.id,
    versionsCount: p.versionsCount,
  };
}

export function toPlaybookVersionModel(
  row: PlaybookVersionEntity,
  activeVersionId: string | null,
): PlaybookVersionModel {
  return {
    id: row.id,
    playbookId: row.playbookId,
    name: row.name,
    contentHash: row.contentHash,
    origin: originOf(row),
    source: row.source,
    definition: row.definition,
    active: row.id === activeVersionId,
    createdAt: row.createdAt,
  };
}

export function toValidationModel(result: ParseResult): PlaybookValidationModel {
  if (result.ok)
    return { valid: true, problems: [], playbookId: result.definition.id, contentHash: result.contentHash };
  return {
    valid: false,
    problems: result.problems.map((p) => ({ line: p.line, stepId: p.stepId, message: p.message })),
    playbookId: null,
    contentHash: null,
  };
}
