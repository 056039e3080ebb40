import { durationMs, isDuration } from '../../workflows/durations';
import { ACTION_PATTERN } from './vocabulary';
import { fieldName, type CheckContext, type StepInfo, type TemplateUse } from './check-context';
import { didYouMean, quoteList } from './suggest';
import { expressionsOf, stepReferences, type TemplateMode } from './templates';
import type { YamlPath } from './yaml-source';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A writer's literal as it appeared, for messages: `"soon"`, `0`, `[list]`. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}"`;
  if (Array.isArray(value)) return value.length ? 'a list' : 'an empty list';
  if (isMapping(value)) return 'a mapping';
  return String(value);
}

/**
 * Checks at one place in a playbook (the top level, or one step): every message names where
 * (`step "isolate": retry.backoff: …`) and says what would be right.
 */
export class Scope {
  constructor(
    readonly ctx: CheckContext,
    readonly base: YamlPath,
    readonly step: StepInfo | null,
  ) {}

  get label(): string {
    if (!this.step) return '';
    return this.step.id ? `step "${this.step.id}"` : `step #${this.step.index + 1}`;
  }

  problem(rel: YamlPath, message: string): void {
    const field = fieldName(rel);
    const where = [this.label, field].filter(Boolean).join(': ');
    this.ctx.report([...this.base, ...rel], where ? `${where}: ${message}` : message, this.step?.id ?? null);
  }

  /** A mapping whose keys are all in `allowed`; unknown keys are reported by name. */
  mapping(rel: YamlPath, value: unknown, allowed: readonly string[], example: string): Mapping | null {
    if (!isMapping(value)) {
      this.problem(rel, `must be a mapping, e.g. ${example}; got ${shown(value)}`);
      return null;
    }
    this.knownKeys(rel, value, allowed);
    return value;
  }

  knownKeys(rel: YamlPath, value: Mapping, allowed: readonly string[], what?: string): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const takes = `${what ?? (fieldName(rel) || 'this mapping')} takes ${allowed.join(', ')}`;
      this.problem([...rel, key], `unknown key "${key}"${didYouMean(key, allowed)} (${takes})`);
    }
  }

  requiredString(rel: YamlPath, value: unknown, example: string): value is string {
    if (typeof value === 'string' && value.trim()) return true;
    this.problem(
      rel,
      `required: a non-empty string, e.g. ${example}${value === undefined ? '' : `; got ${shown(value)}`}`,
    );
    return false;
  }

  optionalString(rel: YamlPath, value: unknown): void {
    if (value !== undefined && typeof value !== 'string')
      this.problem(rel, `must be a string, got ${shown(value)}`);
  }

  duration(rel: YamlPath, value: unknown): void {
    if (value === undefined) return;
    if (!isDuration(value))
      this.problem(
        rel,
        `must be a duration such as 30s, 15m, 4h or 1d (ms, s, m, h, d); got ${shown(value)}`,
      );
    // Every duration in a playbook is a timeout, a wait or a retry interval: none means anything
    // at zero, and Temporal reads a zero timeout or interval as "not set".
    else if (durationMs(value as string) === 0)
      this.problem(rel, `must be longer than zero, such as 500ms or 30s; got ${shown(value)}`);
  }

  wholeNumber(rel: YamlPath, value: unknown, min: number, max?: number): value is number {
    if (value === undefined) return false;
    const ok =
      Number.isInteger(value) && (value as number) >= min && (max === undefined || (value as number) <= max);
    if (!ok) {
      const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
      this.problem(rel, `must be a whole number ${range}, got ${shown(value)}`);
    }
    return ok;
  }

  choice<T extends string>(rel: YamlPath, value: unknown, options: readonly T[]): value is T {
    if (value === undefined) return false;
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return true;
    const hint = typeof value === 'string' ? didYouMean(value, options) : '';
    this.problem(rel, `must be one of ${options.join(', ')}; got ${shown(value)}${hint}`);
    return false;
  }

  stringList(rel: YamlPath, value: unknown, example: string): value is string[] {
    if (value === undefined) return false;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim())) return true;
    this.problem(rel, `must be a list of strings, e.g. ${example}; got ${shown(value)}`);
    return false;
  }

  /**
   * Compiles every `{{ … }}` (or, in expression mode, the whole string) found in `value`, deep,
   * and records the step ids they read for the semantic pass.
   */
  template(rel: YamlPath, value: unknown, mode: TemplateMode, site: TemplateUse['site'] = 'step'): void {
    if (typeof value === 'string') {
      const ids = new Set<string>();
      for (const expr of expressionsOf(value, mode)) {
        const compiled = this.ctx.expressions.compile(expr);
        if (compiled.error) {
          const text = mode === 'expression' ? expr.trim() : `{{${expr}}}`;
          this.problem(rel, `invalid expression ${shown(text)}: ${compiled.error}; templates are JSONata`);
        } else stepReferences(compiled.ast).forEach((id) => ids.add(id));
      }
      if (ids.size)
        this.ctx.uses.push({
          step: this.step,
          site,
          path: [...this.base, ...rel],
          field: fieldName(rel),
          ids: [...ids],
        });
    } else if (Array.isArray(value)) value.forEach((v, i) => this.template([...rel, i], v, mode, site));
    else if (isMapping(value))
      for (const [k, v] of Object.entries(value)) this.template([...rel, k], v, mode, site);
  }

  /** A condition or expression field: a string, one JSONata expression with or without braces. */
  expression(rel: YamlPath, value: unknown, example: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !value.trim()) {
      this.problem(rel, `must be a JSONata expression (a string), e.g. ${example}; got ${shown(value)}`);
      return;
    }
    this.template(rel, value, 'expression');
  }

  /** An action name: a capability, a built-in, or `<integration-id>.<action>`. */
  action(rel: YamlPath, value: unknown): void {
    if (!this.requiredString(rel, value, 'edr.isolate_host')) return;
    if (!ACTION_PATTERN.test(value)) {
      this.problem(
        rel,
        `${shown(value)} is not an action name; write <capability or integration>.<action>, e.g. edr.isolate_host`,
      );
      return;
    }
    const actions = this.ctx.options.actions;
    if (actions.has(value)) return;
    const names = actions.names();
    const family = names.filter((n) => n.startsWith(`${value.split('.')[0]}.`));
    const known = family.length
      ? `known ${value.split('.')[0]} actions: ${quoteList(family)}`
      : `known: ${quoteList(names)}`;
    this.problem(
      rel,
      `unknown action ${shown(value)}: not a capability, a built-in or an installed integration's action${didYouMean(value, names)} (${known})`,
    );
  }

  /** A channel an approval is announced on: an action or an installed integration's id. */
  channels(rel: YamlPath, value: unknown): void {
    if (!this.stringList(rel, value, '[notify.send]')) return;
    const actions = this.ctx.options.actions;
    value.forEach((name, i) => {
      if (!actions.isChannel(name))
        this.problem(
          [...rel, i],
          `unknown channel ${shown(name)}: name an installed integration or an action such as notify.send${didYouMean(name, actions.names())}`,
        );
    });
  }
}
