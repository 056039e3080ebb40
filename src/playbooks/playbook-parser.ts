import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import { isDuration } from '../workflows/durations';

export interface PlaybookProblem {
  message: string;
  line: number | null;
  stepId: string | null;
}

export type ParseResult =
  | { ok: true; definition: PlaybookDefinition; contentHash: string }
  | { ok: false; problems: PlaybookProblem[] };

const STEP_KINDS = ['action', 'approval'] as const;
const ROLES = ['viewer', 'analyst', 'responder', 'admin'];
const TRIGGERS = ['alert.created', 'manual'];
const ID = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Parses and checks a playbook, reporting every problem with its line and step: the same checks
 * back start-up loading, `validatePlaybook` and the CLI. (The full language arrives with the
 * playbook engine; this accepts the action/approval subset the interpreter runs today.)
 */
export function parsePlaybook(source: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: PlaybookProblem[] = [];
  const lineOf = (node: unknown): number | null => {
    const range = (node as YamlNode | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : null;
  };
  for (const e of doc.errors) {
    problems.push({ message: e.message.split('\n')[0], line: e.linePos?.[0].line ?? null, stepId: null });
  }
  if (problems.length) return { ok: false, problems };
  const root = doc.contents;
  if (!isMap(root))
    return { ok: false, problems: [{ message: 'a playbook is a YAML mapping', line: 1, stepId: null }] };
  const def = doc.toJS() as Record<string, unknown>;
  const at = (path: (string | number)[]) => lineOf(doc.getIn(path, true));
  const problem = (message: string, path: (string | number)[], stepId: string | null = null) =>
    problems.push({ message, line: at(path), stepId });

  const known = ['id', 'name', 'description', 'trigger', 'inputs', 'steps'];
  for (const key of Object.keys(def)) if (!known.includes(key)) problem(`unknown key "${key}"`, [key]);
  if (typeof def.id !== 'string' || !ID.test(def.id))
    problem('id: required, lower-case letters, digits, - or _', ['id']);
  if (typeof def.name !== 'string' || !def.name.trim()) problem('name: required', ['name']);
  const trigger = def.trigger as Record<string, unknown> | undefined;
  if (!trigger || typeof trigger !== 'object')
    problem('trigger: required (event: alert.created | manual)', ['trigger']);
  else {
    if (!TRIGGERS.includes(String(trigger.event)))
      problem(`trigger.event: must be one of ${TRIGGERS.join(', ')}`, ['trigger', 'event']);
    if (trigger.when !== undefined) {
      if (typeof trigger.when !== 'string')
        problem('trigger.when: must be a JSONata expression (a string)', ['trigger', 'when']);
      else checkExpression(trigger.when, (m) => problem(`trigger.when: ${m}`, ['trigger', 'when']));
    }
  }
  const steps = doc.getIn(['steps'], true);
  if (!isSeq(steps) || !Array.isArray(def.steps) || def.steps.length === 0) {
    problem('steps: a non-empty list is required', ['steps']);
    return { ok: false, problems };
  }
  const ids = new Set<string>();
  (def.steps as Record<string, unknown>[]).forEach((step, i) => {
    const stepId = typeof step?.id === 'string' ? step.id : null;
    const p = (message: string, key?: string) =>
      problem(`step ${stepId ?? `#${i + 1}`}: ${message}`, key ? ['steps', i, key] : ['steps', i], stepId);
    if (!step || typeof step !== 'object') return p('must be a mapping');
    if (!stepId || !ID.test(stepId)) p('id: required, lower-case letters, digits, - or _', 'id');
    else if (ids.has(stepId)) p(`id "${stepId}" is used twice`, 'id');
    else ids.add(stepId);
    const kinds = STEP_KINDS.filter((k) => k in step);
    if (kinds.length !== 1) p(`must have exactly one of ${STEP_KINDS.join(', ')}`);
    if (step.if !== undefined) checkTemplate(step.if, (m) => p(`if: ${m}`, 'if'));
    if (step.timeout !== undefined && !isDuration(step.timeout))
      p('timeout: must be a duration such as 30s or 15m', 'timeout');
    if ('action' in step) {
      if (typeof step.action !== 'string' || !/^[a-z0-9-]+\.[a-z0-9_]+$/.test(step.action))
        p('action: must look like edr.isolate_host', 'action');
      checkTemplate(step.with, (m) => p(`with: ${m}`, 'with'));
    }
    if ('approval' in step) {
      const a = step.approval as Record<string, unknown>;
      if (!a || typeof a.prompt !== 'string') p('approval.prompt: required', 'approval');
      else checkTemplate(a.prompt, (m) => p(`approval.prompt: ${m}`, 'approval'));
      if (a?.timeout !== undefined && !isDuration(a.timeout))
        p('approval.timeout: must be a duration such as 15m', 'approval');
      if (a?.quorum !== undefined && !(Number.isInteger(a.quorum) && (a.quorum as number) >= 1))
        p('approval.quorum: must be a whole number ≥ 1', 'approval');
      const roles = (a?.approvers as { roles?: unknown } | undefined)?.roles;
      if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => !ROLES.includes(String(r))))) {
        p(`approval.approvers.roles: each must be one of ${ROLES.join(', ')}`, 'approval');
      }
    }
  });
  if (problems.length) return { ok: false, problems };
  const contentHash = createHash('sha256').update(source).digest('hex');
  return { ok: true, definition: def as unknown as PlaybookDefinition, contentHash };
}

function checkExpression(expr: string, report: (m: string) => void): void {
  try {
    jsonata(expr);
  } catch (err) {
    report(`invalid expression "${expr}": ${(err as Error).message}`);
  }
}

function checkTemplate(value: unknown, report: (m: string) => void): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\{\{([\s\S]+?)\}\}/g)) checkExpression(match[1], report);
    if (!value.includes('{{') && value.trim() && /[=<>]|\band\b|\bor\b/.test(value))
      checkExpression(value, report);
  } else if (Array.isArray(value)) value.forEach((v) => checkTemplate(v, report));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => checkTemplate(v, report));
}

export function formatProblems(file: string, problems: PlaybookProblem[]): string {
  return problems.map((p) => `${file}:${p.line ?? 1}: ${p.message}`).join('\n');
}
