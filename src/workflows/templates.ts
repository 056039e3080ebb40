import jsonata from 'jsonata';

/**
 * `{{ … }}` templates are JSONata. A value that is exactly one template keeps the expression's
 * type (a number stays a number); anything else is string interpolation.
 */
const WHOLE = /^\s*\{\{([\s\S]+?)\}\}\s*$/;
const PART = /\{\{([\s\S]+?)\}\}/g;

export class TemplateError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`cannot evaluate "${expression.trim()}": ${reason}`);
    this.name = 'TemplateError';
  }
}

// Parsing dominates evaluation cost; a playbook has few distinct expressions, evaluated often.
const compiled = new Map<string, ReturnType<typeof jsonata>>();
const MAX_COMPILED = 1000;

function compile(expression: string): ReturnType<typeof jsonata> {
  let expr = compiled.get(expression);
  if (!expr) {
    expr = jsonata(expression);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(expression, expr);
  }
  return expr;
}

/** What the quick reader returns for an expression only JSONata can answer exactly. */
const JSONATA = Symbol('jsonata');

const DOTTED = /^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*$/;
/** Words JSONata reads as literals or operators, never as field names. */
const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'in', 'function']);
const dotted = new Map<string, string[] | null>();

function dottedPath(expression: string): string[] | null {
  let path = dotted.get(expression);
  if (path === undefined) {
    const names = DOTTED.exec(expression)?.[1].split('.') ?? null;
    path = names && !names.some((n) => KEYWORDS.has(n)) ? names : null;
    if (dotted.size >= MAX_COMPILED) dotted.clear();
    dotted.set(expression, path);
  }
  return path;
}

/**
 * A dotted path through objects (`steps.host.output.host_id`) answered without JSONata, whose
 * evaluation is async at every node: inside a workflow each promise costs a captured, source-mapped
 * stack trace (the Temporal SDK's promise hook), most of an interpreted run's workflow-thread time.
 * Only where the answer is certainly JSONata's own: a missing field or a field of a scalar is
 * undefined, as JSONata's lookup has it; any array on the way or at the end (JSONata maps over
 * and flattens arrays in paths) is left to JSONata.
 */
function quickPath(expression: string, scope: Record<string, unknown>): unknown {
  const path = dottedPath(expression);
  if (!path) return JSONATA;
  let value: unknown = scope;
  for (const name of path) {
    if (Array.isArray(value)) return JSONATA;
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return Array.isArray(value) || typeof value === 'function' ? JSONATA : value;
}

export async function evaluateExpression(
  expression: string,
  scope: Record<string, unknown>,
): Promise<unknown> {
  const quick = quickPath(expression, scope);
  if (quick !== JSONATA) return quick;
  try {
    return await compile(expression).evaluate(scope);
  } catch (err) {
    const e = err as { message?: string; code?: string; position?: number };
    const where = e.position !== undefined ? ` at position ${e.position}` : '';
    throw new TemplateError(expression, `${e.message ?? String(err)}${where}`);
  }
}

/**
 * A string's templates: one whole template (whose value keeps its type), or the text around
 * each `{{ … }}` (texts has one more entry than expressions).
 */
function splitTemplate(text: string): { whole: string } | { texts: string[]; expressions: string[] } {
  const whole = WHOLE.exec(text);
  if (whole && !whole[1].includes('}}')) return { whole: whole[1] };
  const texts: string[] = [];
  const expressions: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PART)) {
    texts.push(text.slice(last, match.index));
    expressions.push(match[1]);
    last = match.index + match[0].length;
  }
  texts.push(text.slice(last));
  return { texts, expressions };
}

const interpolate = (texts: string[], values: unknown[]) =>
  values.reduce<string>((out, v, i) => out + toText(v) + texts[i + 1], texts[0]);

/** The value rendered without a promise, or JSONATA when one of its templates needs JSONata. */
function renderQuick(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const t = splitTemplate(value);
    if ('whole' in t) return quickPath(t.whole, scope);
    const values = t.expressions.map((e) => quickPath(e, scope));
    return values.includes(JSONATA) ? JSONATA : interpolate(t.texts, values);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const v = renderQuick(item, scope);
      if (v === JSONATA) return JSONATA;
      out.push(v);
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(value)) {
      const v = renderQuick(item, scope);
      if (v === JSONATA) return JSONATA;
      out[k] = v;
    }
    return out;
  }
  return value;
}

export async function renderTemplate(value: unknown, scope: Record<string, unknown>): Promise<unknown> {
  const quick = renderQuick(value, scope);
  return quick !== JSONATA ? quick : renderWithJsonata(value, scope);
}

/** Only for a value renderQuick could not render, so a string here holds templates. */
async function renderWithJsonata(value: unknown, scope: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') {
    const t = splitTemplate(value);
    if ('whole' in t) return evaluateExpression(t.whole, scope);
    const values: unknown[] = [];
    for (const e of t.expressions) values.push(await evaluateExpression(e, scope));
    return interpolate(t.texts, values);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await renderTemplate(item, scope));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = await renderTemplate(v, scope);
  return out;
}

/** Truthiness of an `if:`/`when:` condition, which may be written with or without braces. */
export async function evaluateCondition(condition: string, scope: Record<string, unknown>): Promise<boolean> {
  const whole = WHOLE.exec(condition);
  const result = await evaluateExpression(whole ? whole[1] : condition, scope);
  return Array.isArray(result) ? result.length > 0 : Boolean(result);
}

function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`;
  return JSON.stringify(v);
}
