/**
 * The subset of OData `$filter` the fake understands — enough for what clients of the machines
 * and machineactions collections send:
 *
 *   field eq|ne|gt|ge|lt|le literal      literal: 'text' ('' escapes a quote), number, true,
 *   startswith(field,'x')                false, null, or a bare date-time (2024-01-01T00:00:00Z)
 *   contains(field,'x'), endswith(…)
 *   a and b, a or b, not a, ( … )        (and binds tighter than or)
 *
 * Text comparisons ignore case. Only the fields the collection lists as filterable may be used
 * (as at Defender); anything else is an error, so a test sees a 400 instead of a wrong answer.
 */
export type ODataRecord = Record<string, unknown>;
export type Predicate = (record: ODataRecord) => boolean;

export class ODataError extends Error {}

type Token =
  | { kind: 'punct'; text: '(' | ')' | ',' }
  | { kind: 'string'; text: string }
  | { kind: 'word'; text: string };

const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Comparison = (typeof COMPARISONS)[number];
const FUNCTIONS = ['startswith', 'endswith', 'contains'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

export function parseODataFilter(filter: string, filterable: readonly string[]): Predicate {
  const tokens = tokenize(filter);
  if (!tokens.length) return () => true;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++] ?? fail('unexpected end of the filter');
  const isWord = (text: string) => {
    const t = peek();
    return t?.kind === 'word' && t.text.toLowerCase() === text;
  };
  const expectPunct = (text: string) => {
    const t = next();
    if (t.kind !== 'punct' || t.text !== text) fail(`expected "${text}" but found "${t.text}"`);
  };
  const field = (): string => {
    const t = next();
    const name =
      t.kind === 'word' ? filterable.find((f) => f.toLowerCase() === t.text.toLowerCase()) : undefined;
    if (!name) fail(`"${t.text}" is not a filterable property (filterable: ${filterable.join(', ')})`);
    return name;
  };

  const orExpr = (): Predicate => {
    const parts = [andExpr()];
    while (isWord('or')) {
      pos++;
      parts.push(andExpr());
    }
    return (r) => parts.some((p) => p(r));
  };
  const andExpr = (): Predicate => {
    const parts = [unary()];
    while (isWord('and')) {
      pos++;
      parts.push(unary());
    }
    return (r) => parts.every((p) => p(r));
  };
  const unary = (): Predicate => {
    if (isWord('not')) {
      pos++;
      const inner = unary();
      return (r) => !inner(r);
    }
    const t = peek();
    if (t?.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    const fn = FUNCTIONS.find((f) => isWord(f));
    if (fn) {
      pos++;
      expectPunct('(');
      const name = field();
      expectPunct(',');
      const arg = next();
      if (arg.kind !== 'string') fail(`${fn} takes a quoted string`);
      expectPunct(')');
      return (r) => textFunction(fn, r[name], arg.text);
    }
    const name = field();
    const op = next();
    const comparison = COMPARISONS.find((c) => op.kind === 'word' && op.text.toLowerCase() === c);
    if (!comparison) fail(`expected a comparison after "${name}" but found "${op.text}"`);
    const literal = parseLiteral(next());
    return (r) => compare(r[name], comparison, literal);
  };

  const predicate = orExpr();
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]?.text}"`);
  return predicate;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value });
    } else {
      const match = /^[\w.:+\-/]+/.exec(text.slice(i));
      if (!match) fail(`unexpected character "${c}"`);
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function parseLiteral(token: Token): unknown {
  if (token.kind === 'string') return token.text;
  if (token.kind === 'punct') fail(`expected a value but found "${token.text}"`);
  const word = token.text;
  if (word === 'null') return null;
  if (word === 'true' || word === 'false') return word === 'true';
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:\d{2})?$/.test(word) && !Number.isNaN(Date.parse(word))) {
    return new Date(word);
  }
  return fail(`cannot read the value "${word}" (quote text values)`);
}

function textFunction(fn: FunctionName, actual: unknown, wanted: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  if (fn === 'startswith') return a.startsWith(w);
  if (fn === 'endswith') return a.endsWith(w);
  return a.includes(w);
}

function compare(actual: unknown, op: Comparison, wanted: unknown): boolean {
  let order: number;
  if (wanted === null || actual === null || actual === undefined) {
    const same = (actual ?? null) === wanted;
    if (op === 'eq') return same;
    if (op === 'ne') return !same;
    return false;
  }
  if (wanted instanceof Date) {
    const at = typeof actual === 'string' ? Date.parse(actual) : NaN;
    if (Number.isNaN(at)) return false;
    order = Math.sign(at - wanted.getTime());
  } else if (typeof wanted === 'number') {
    if (typeof actual !== 'number') return false;
    order = Math.sign(actual - wanted);
  } else if (typeof wanted === 'boolean') {
    if (op !== 'eq' && op !== 'ne') return false;
    order = actual === wanted ? 0 : 1;
  } else {
    if (typeof actual !== 'string' || typeof wanted !== 'string') return false;
    order = actual.toLowerCase().localeCompare(wanted.toLowerCase());
  }
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

function fail(message: string): never {
  throw new ODataError(message);
}
