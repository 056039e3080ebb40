import { kindLabel, STEP_KINDS, type StepKind } from '../../workflows/playbook.types';
import type { CheckContext, ListKind, StepInfo, StepList } from './check-context';
import { isMapping, Scope, shown, type Mapping } from './scope';
import { STEP_CHECKERS } from './steps';
import { closest, didYouMean } from './suggest';
import { ID_PATTERN, KIND_LIST, NESTED_KEYS, REPEAT_KEYS, STEP_KEYS } from './vocabulary';
import type { YamlPath } from './yaml-source';

const ALL_STEP_KEYS = new Set(Object.values(STEP_KEYS).flat());
const REPEATABLE = STEP_KINDS.filter((k) => STEP_KEYS[k].includes('foreach')).join(' and ');

/** Checks a list of steps and everything in it, recording each step for the semantic pass. */
export function checkStepList(
  ctx: CheckContext,
  path: YamlPath,
  value: unknown,
  kind: ListKind,
  owner: StepInfo | null,
  seen: Map<string, YamlPath>,
): void {
  const where = owner ? new Scope(ctx, owner.path, owner) : new Scope(ctx, [], null);
  const rel = owner ? [kind] : ['steps'];
  if (!Array.isArray(value) || value.length === 0) {
    where.problem(
      rel,
      `must be a non-empty list of steps, each with an id and one kind (${KIND_LIST}); got ${value === undefined ? 'nothing' : shown(value)}`,
    );
    return;
  }
  const list: StepList = { path, kind, owner, items: [] };
  ctx.lists.push(list);
  const ancestors = owner ? [...owner.ancestors, owner] : [];
  value.forEach((item, index) => checkStep(ctx, list, index, item, ancestors, seen));
}

function checkStep(
  ctx: CheckContext,
  list: StepList,
  index: number,
  item: unknown,
  ancestors: StepInfo[],
  seen: Map<string, YamlPath>,
): void {
  const path = [...list.path, index];
  if (!isMapping(item)) {
    ctx.report(
      path,
      `step #${index + 1}: must be a mapping with an id and one kind (${KIND_LIST}); got ${shown(item)}`,
    );
    return;
  }
  const rawId = item.id;
  const id = typeof rawId === 'string' && ID_PATTERN.test(rawId) ? rawId : null;
  const info: StepInfo = { id, path, list, index, kind: null, raw: item, ancestors };
  list.items.push(info);
  ctx.steps.push(info);
  const scope = new Scope(ctx, path, info);

  if (rawId === undefined) scope.problem(['id'], 'required: every step needs an id, e.g. id: isolate-host');
  else if (!id)
    scope.problem(
      ['id'],
      `${shown(rawId)} is not a valid step id; use lower-case letters, digits, - or _, starting with a letter (at most 64), e.g. isolate-host`,
    );
  else if (seen.has(id))
    scope.problem(
      ['id'],
      `"${id}" is used twice (first at line ${ctx.src.lineAt([...seen.get(id)!, 'id'])}); step ids must be unique across the whole playbook, nested steps included`,
    );
  else seen.set(id, path);

  const kinds = STEP_KINDS.filter((k) => k in item);
  checkCommon(scope, item);
  if (kinds.length !== 1) return reportKinds(scope, item, kinds);
  const kind = kinds[0];
  info.kind = kind;
  checkKeys(scope, item, kind);
  STEP_CHECKERS[kind]({
    scope,
    raw: item,
    info,
    nested: (key, value) => checkStepList(ctx, [...path, key], value, key, info, seen),
  });
}

function reportKinds(scope: Scope, item: Mapping, kinds: StepKind[]): void {
  if (kinds.length > 1) {
    const names = kinds.map((k) => `"${kindLabel(k) === 'if' ? 'then' : k}"`).join(' and ');
    scope.problem([], `has ${names}: a step does exactly one thing; split it into separate steps`);
    return;
  }
  if ('else' in item) {
    scope.problem(['else'], 'only an if/then branch has else; add then: [ …steps ] (and an if condition)');
    return;
  }
  const typo = Object.keys(item)
    .filter((k) => !ALL_STEP_KEYS.has(k))
    .map((k) => ({ k, kind: closest(k, STEP_KINDS) }))
    .find((t) => t.kind);
  const hint = typo ? `; "${typo.k}" looks like a misspelt "${typo.kind}"` : '';
  scope.problem([], `has no kind: give it exactly one of ${KIND_LIST}${hint}`);
}

function checkKeys(scope: Scope, item: Mapping, kind: StepKind): void {
  const allowed = STEP_KEYS[kind];
  for (const key of Object.keys(item)) {
    if (allowed.includes(key)) continue;
    if ((REPEAT_KEYS as readonly string[]).includes(key))
      scope.problem(
        [key],
        `only ${REPEATABLE} steps repeat per item; a ${kindLabel(kind)} step cannot take ${key}`,
      );
    else
      scope.problem(
        [key],
        `unknown key "${key}"${didYouMean(key, allowed)} (${kindLabel(kind)} steps take ${allowed.join(', ')})`,
      );
  }
}

/** The keys every step may carry: name, if, timeout, retry, on_error, compensate. */
function checkCommon(scope: Scope, item: Mapping): void {
  scope.optionalString(['name'], item.name);
  scope.expression(['if'], item.if, `'{{ steps.approve.decision = "approved" }}'`);
  scope.duration(['timeout'], item.timeout);
  if (item.retry !== undefined) {
    const r = scope.mapping(
      ['retry'],
      item.retry,
      NESTED_KEYS.retry,
      '{ max_attempts: 5, initial_interval: 2s, backoff: 2 }',
    );
    if (r) {
      scope.wholeNumber(['retry', 'max_attempts'], r.max_attempts, 1, 100);
      scope.duration(['retry', 'initial_interval'], r.initial_interval);
      if (r.backoff !== undefined && !(typeof r.backoff === 'number' && r.backoff >= 1))
        scope.problem(
          ['retry', 'backoff'],
          `must be a number ≥ 1 (the factor between waits), got ${shown(r.backoff)}`,
        );
      scope.stringList(['retry', 'non_retryable'], r.non_retryable, '[NOT_FOUND]');
    }
  }
  const onError = item.on_error;
  if (onError !== undefined && onError !== 'fail' && onError !== 'continue') {
    const goto = isMapping(onError) ? scope.mapping(['on_error'], onError, NESTED_KEYS.on_error, '') : null;
    if (!goto || typeof goto.goto !== 'string' || !goto.goto)
      scope.problem(
        ['on_error'],
        `must be fail, continue or { goto: <id of a later step in this list> }; got ${shown(onError)}${typeof onError === 'string' ? didYouMean(onError, ['fail', 'continue']) : ''}`,
      );
  }
  if (item.compensate !== undefined) {
    const c = scope.mapping(
      ['compensate'],
      item.compensate,
      NESTED_KEYS.compensate,
      `{ action: edr.release_host, with: { host_id: '{{ steps.host.output.host_id }}' } }`,
    );
    if (c) {
      scope.action(['compensate', 'action'], c.action);
      if (c.with !== undefined && !isMapping(c.with))
        scope.problem(
          ['compensate', 'with'],
          `must be a mapping of the undo action's inputs; got ${shown(c.with)}`,
        );
      else scope.template(['compensate', 'with'], c.with, 'template', 'compensate');
    }
  }
}
