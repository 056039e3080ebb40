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

export async function evaluateExpression(
  expression: string,
  scope: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await compile(expression).evaluate(scope);
  } catch (err) {
    const e = err as { message?: string; code?: string; position?: number };
    const where = e.position !== undefined ? ` at position ${e.position}` : '';
    throw new TemplateError(expression, `${e.message ?? String(err)}${where}`);
  }
}

export async function renderTemplate(value: unknown, scope: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !whole[1].includes('}}')) return evaluateExpression(whole[1], scope);
    if (!value.includes('{{')) return value;
    let out = '';
    let last = 0;
    for (const match of value.matchAll(PART)) {
      out += value.slice(last, match.index);
      const v = await evaluateExpression(match[1], scope);
      out += toText(v);
      last = match.index + match[0].length;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await renderTemplate(item, scope));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderTemplate(v, scope);
    return out;
  }
  return value;
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
