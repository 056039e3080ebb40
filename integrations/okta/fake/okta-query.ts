/**
 * The subset of Okta's filter language the fake understands, for `search` and `filter` on
 * GET /api/v1/users:
 *
 *   attr eq "x" | attr sw "x" | attr co "x" | attr gt|ge|lt|le "x" | attr pr
 *   a and b, a or b (and binds tighter), parentheses; `\"` and `\\` escape inside quotes
 *
 * `search` compares without regard to case and takes any profile property; `filter` is
 * case-sensitive, takes only eq (and ranges on lastUpdated) on the few properties Okta indexes
 * for it. Anything else is an error, so a test sees Okta's 400 instead of a silently wrong answer.
 */
export type QueryRecord = (attribute: string) => string | undefined;
export type Predicate = (record: QueryRecord) => boolean;
export type QueryMode = 'search' | 'filter';

export class OktaQueryError extends Error {}

const FILTER_ATTRIBUTES = [
  'status',
  'lastUpdated',
  'id',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
];
const OPERATORS = ['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr'];

type Token = { kind: 'word' | 'string' | 'open' | 'close'; value: string };

export function parseOktaQuery(text: string, mode: QueryMode): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const isWord = (word: string) => tokens[pos]?.kind === 'word' && tokens[pos].value.toLowerCase() === word;

  const orExpr = (): Predicate => {
    let left = andExpr();
    while (isWord('or')) {
      pos++;
      const [l, r] = [left, andExpr()];
      left = (rec) => l(rec) || r(rec);
    }
    return left;
  };
  const andExpr = (): Predicate => {
    let left = unary();
    while (isWord('and')) {
      pos++;
      const [l, r] = [left, unary()];
      left = (rec) => l(rec) && r(rec);
    }
    return left;
  };
  const unary = (): Predicate => {
    const token = tokens[pos++];
    if (!token) throw new OktaQueryError('unexpected end of expression');
    if (token.kind === 'open') {
      const inner = orExpr();
      if (tokens[pos++]?.kind !== 'close') throw new OktaQueryError('missing )');
      return inner;
    }
    if (token.kind !== 'word') throw new OktaQueryError(`unexpected "${token.value}"`);
    return comparison(token.value);
  };
  const comparison = (attribute: string): Predicate => {
    const op = tokens[pos++];
    if (op?.kind !== 'word' || !OPERATORS.includes(op.value.toLowerCase())) {
      throw new OktaQueryError(`expected an operator after ${attribute}`);
    }
    const operator = op.value.toLowerCase();
    if (mode === 'filter') checkFilter(attribute, operator);
    if (operator === 'pr') return (rec) => !!rec(attribute);
    const literal = tokens[pos++];
    if (!literal || (literal.kind !== 'string' && literal.kind !== 'word')) {
      throw new OktaQueryError(`expected a value after ${attribute} ${operator}`);
    }
    return compare(attribute, operator, literal.value, mode === 'search');
  };

  const predicate = orExpr();
  if (pos !== tokens.length) throw new OktaQueryError(`unexpected "${tokens[pos].value}"`);
  return predicate;
}

function checkFilter(attribute: string, operator: string): void {
  if (!FILTER_ATTRIBUTES.includes(attribute)) {
    throw new OktaQueryError(`filter does not support ${attribute}`);
  }
  const range = ['gt', 'ge', 'lt', 'le'].includes(operator);
  if (operator !== 'eq' && !(range && attribute === 'lastUpdated')) {
    throw new OktaQueryError(`filter does not support ${operator} on ${attribute}`);
  }
}

function compare(attribute: string, operator: string, value: string, ignoreCase: boolean): Predicate {
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const wanted = norm(value);
  return (rec) => {
    const raw = rec(attribute);
    if (raw === undefined) return false;
    const actual = norm(raw);
    switch (operator) {
      case 'eq':
        return actual === wanted;
      case 'sw':
        return actual.startsWith(wanted);
      case 'co':
        return actual.includes(wanted);
      case 'gt':
        return actual > wanted;
      case 'ge':
        return actual >= wanted;
      case 'lt':
        return actual < wanted;
      default:
        return actual <= wanted;
    }
  };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', value: c });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (text[i] !== '"') throw new OktaQueryError('unterminated string');
      i++;
      tokens.push({ kind: 'string', value });
    } else {
      const start = i;
      while (i < text.length && !/[\s()"]/.test(text[i])) i++;
      tokens.push({ kind: 'word', value: text.slice(start, i) });
    }
  }
  if (!tokens.length) throw new OktaQueryError('empty expression');
  return tokens;
}
