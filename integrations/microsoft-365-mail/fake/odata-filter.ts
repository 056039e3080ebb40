import type { GraphFakeMessage } from './mail-store';

export class ODataFilterError extends Error {}

type Predicate = (m: GraphFakeMessage) => boolean;

/** The message properties the fake can filter on (Graph supports more). */
const PROPERTIES: Record<string, (m: GraphFakeMessage) => string | boolean> = {
  internetmessageid: (m) => m.internetMessageId,
  subject: (m) => m.subject,
  'from/emailaddress/address': (m) => m.from.emailAddress.address,
  'sender/emailaddress/address': (m) => m.sender.emailAddress.address,
  parentfolderid: (m) => m.parentFolderId,
  conversationid: (m) => m.conversationId,
  isread: (m) => m.isRead,
};

type Token =
  { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'paren'; value: string };

/**
 * A subset of OData `$filter` over messages: `prop eq|ne literal` joined by `and`/`or`, with
 * parentheses; string literals in single quotes (`''` escapes one). Exchange compares strings
 * without regard to case, so the fake does too.
 */
export function parseODataFilter(text: string): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (word: string) => tokens[pos]?.kind === 'word' && tokens[pos].value.toLowerCase() === word;

  const expr = (): Predicate => {
    let left = term();
    while (peekWord('or')) {
      pos++;
      const l = left;
      const r = term();
      left = (m) => l(m) || r(m);
    }
    return left;
  };
  const term = (): Predicate => {
    let left = factor();
    while (peekWord('and')) {
      pos++;
      const l = left;
      const r = factor();
      left = (m) => l(m) && r(m);
    }
    return left;
  };
  const factor = (): Predicate => {
    const token = tokens[pos++];
    if (!token) throw new ODataFilterError('unexpected end of the filter');
    if (token.kind === 'paren' && token.value === '(') {
      const inner = expr();
      const close = tokens[pos++];
      if (close?.kind !== 'paren' || close.value !== ')') throw new ODataFilterError('missing )');
      return inner;
    }
    if (token.kind !== 'word') throw new ODataFilterError(`unexpected ${token.value}`);
    const get = PROPERTIES[token.value.toLowerCase()];
    if (!get)
      throw new ODataFilterError(
        `Could not find a property named '${token.value}' on type 'microsoft.graph.message'.`,
      );
    const op = tokens[pos++];
    if (op?.kind !== 'word' || !['eq', 'ne'].includes(op.value.toLowerCase())) {
      throw new ODataFilterError(`expected eq or ne after ${token.value}`);
    }
    const literal = tokens[pos++];
    let expected: string | boolean;
    if (literal?.kind === 'string') expected = literal.value.toLowerCase();
    else if (literal?.kind === 'word' && /^(true|false)$/i.test(literal.value))
      expected = literal.value.toLowerCase() === 'true';
    else throw new ODataFilterError(`expected a literal after ${op.value}`);
    const negate = op.value.toLowerCase() === 'ne';
    return (m) => {
      const actual = get(m);
      const equal = (typeof actual === 'string' ? actual.toLowerCase() : actual) === expected;
      return negate ? !equal : equal;
    };
  };

  const predicate = expr();
  if (pos < tokens.length) throw new ODataFilterError(`unexpected ${tokens[pos].value}`);
  return predicate;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|'((?:[^']|'')*)'|([()])|([A-Za-z][\w/]*)/y;
  let index = 0;
  while (index < text.length) {
    re.lastIndex = index;
    const match = re.exec(text);
    if (!match) throw new ODataFilterError(`Invalid filter clause near "${text.slice(index, index + 20)}"`);
    index = re.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'string', value: match[1].replace(/''/g, "'") });
    else if (match[2]) tokens.push({ kind: 'paren', value: match[2] });
    else if (match[3]) tokens.push({ kind: 'word', value: match[3] });
  }
  if (!tokens.length) throw new ODataFilterError('the filter is empty');
  return tokens;
}
