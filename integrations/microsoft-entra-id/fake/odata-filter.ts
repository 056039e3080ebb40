/**
 * The subset of OData `$filter` the fake understands on users — enough for what adapters send:
 *
 *   prop eq|ne|ge|le literal         literal: 'text' ('' escapes a quote), true, false, null, numbers
 *   startswith(prop, 'x'), endswith(prop, 'x')
 *   coll/any(v:v eq 'x')             a lambda over a collection property (proxyAddresses, otherMails…)
 *   and, or, not, parentheses
 *
 * Entra compares strings without regard to case, so the fake does too. Anything else is an error,
 * so a test sees Graph's 400 instead of a silently wrong answer.
 */
export type ODataValue = string | number | boolean | null | string[] | undefined;
/** Looks up a property (or lambda variable) by name; throws ODataFilterError for unknown ones. */
export type Scope = (name: string) => ODataValue;
export type Predicate = (scope: Scope) => boolean;

export class ODataFilterError extends Error {}

type Token = { kind: 'word' | 'string' | 'open' | 'close' | 'comma' | 'colon'; value: string };

export function parseODataFilter(text: string): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (word: string) => tokens[pos]?.kind === 'word' && tokens[pos].value.toLowerCase() === word;
  const expect = (kind: Token['kind'], what: string): Token => {
    const token = tokens[pos++];
    if (token?.kind !== kind)
      throw new ODataFilterError(`expected ${what}${token ? ` at "${token.value}"` : ''}`);
    return token;
  };

  const orExpr = (): Predicate => {
    let left = andExpr();
    while (peekWord('or')) {
      pos++;
      const [l, r] = [left, andExpr()];
      left = (s) => l(s) || r(s);
    }
    return left;
  };
  const andExpr = (): Predicate => {
    let left = notExpr();
    while (peekWord('and')) {
      pos++;
      const [l, r] = [left, notExpr()];
      left = (s) => l(s) && r(s);
    }
    return left;
  };
  const notExpr = (): Predicate => {
    if (peekWord('not')) {
      pos++;
      const inner = notExpr();
      return (s) => !inner(s);
    }
    return primary();
  };
  const primary = (): Predicate => {
    if (tokens[pos]?.kind === 'open') {
      pos++;
      const inner = orExpr();
      expect('close', ')');
      return inner;
    }
    const name = expect('word', 'a property or function').value;
    const lower = name.toLowerCase();
    if (lower === 'startswith' || lower === 'endswith') {
      expect('open', '(');
      const property = expect('word', 'a property').value;
      expect('comma', ',');
      const literal = expect('string', 'a quoted string').value.toLowerCase();
      expect('close', ')');
      const test = (v: string) => (lower === 'startswith' ? v.startsWith(literal) : v.endsWith(literal));
      return (s) => {
        const value = s(property);
        return typeof value === 'string' && test(value.toLowerCase());
      };
    }
    if (lower.endsWith('/any')) {
      const collection = name.slice(0, -'/any'.length);
      expect('open', '(');
      const variable = expect('word', 'a lambda variable').value;
      expect('colon', ':');
      const inner = orExpr();
      expect('close', ')');
      return (s) => {
        const items = s(collection);
        if (!Array.isArray(items)) throw new ODataFilterError(`${collection} is not a collection`);
        return items.some((item) => inner((n) => (n === variable ? item : s(n))));
      };
    }
    return comparison(name);
  };
  const comparison = (property: string): Predicate => {
    const op = expect('word', `an operator after ${property}`).value.toLowerCase();
    if (!['eq', 'ne', 'ge', 'le'].includes(op)) throw new ODataFilterError(`unsupported operator "${op}"`);
    const literal = value(tokens[pos++]);
    return (s) => {
      const actual = normalise(s(property));
      if (Array.isArray(actual)) throw new ODataFilterError(`use any() to filter on ${property}`);
      switch (op) {
        case 'eq':
          return actual === literal;
        case 'ne':
          return actual !== literal;
        case 'ge':
          return comparable(actual, literal) && (actual as string) >= (literal as string);
        default:
          return comparable(actual, literal) && (actual as string) <= (literal as string);
      }
    };
  };

  const predicate = orExpr();
  if (pos !== tokens.length) throw new ODataFilterError(`unexpected "${tokens[pos].value}"`);
  return predicate;
}

function value(token: Token | undefined): string | number | boolean | null {
  if (!token) throw new ODataFilterError('expected a value');
  if (token.kind === 'string') return token.value.toLowerCase();
  if (token.kind === 'word') {
    const lower = token.value.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(lower)) return Number(lower);
  }
  throw new ODataFilterError(`"${token.value}" is not a literal`);
}

function comparable(a: unknown, b: unknown): boolean {
  return a !== null && b !== null && typeof a === typeof b;
}

function normalise(v: ODataValue): string | number | boolean | null | string[] {
  if (v === undefined) return null;
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const singles: Record<string, Token['kind']> = { '(': 'open', ')': 'close', ',': 'comma', ':': 'colon' };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (singles[c]) {
      tokens.push({ kind: singles[c], value: c });
      i++;
    } else if (c === "'") {
      let literal = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ODataFilterError('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            literal += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        literal += text[i++];
      }
      tokens.push({ kind: 'string', value: literal });
    } else {
      const start = i;
      while (i < text.length && !/[\s(),:']/.test(text[i])) i++;
      tokens.push({ kind: 'word', value: text.slice(start, i) });
    }
  }
  if (!tokens.length) throw new ODataFilterError('empty filter');
  return tokens;
}
