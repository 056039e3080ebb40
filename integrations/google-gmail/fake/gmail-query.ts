import { header, type GmailFakeMessage } from './gmail-store';

type Predicate = (m: GmailFakeMessage) => boolean;

/**
 * A subset of Gmail's search syntax: space-separated terms, all of which must match;
 * `rfc822msgid:`, `from:`, `to:`, `subject:`, `in:` / `label:`, `is:unread`, a leading `-` to
 * negate, `"phrases"` and `(groups)`; other words match the subject, sender or snippet. Like
 * Gmail, matching ignores case; unlike Gmail it matches substrings, not whole words.
 */
export function parseGmailQuery(q: string): Predicate {
  const terms: Predicate[] = [];
  const re = /\s*(-?)(?:([a-z0-9]+):)?("[^"]*"|\([^)]*\)|[^\s]+)/gi;
  let match: RegExpExecArray | null;
  while ((match = re.exec(q)) !== null) {
    const [, negate, operator, raw] = match;
    const value = raw
      .replace(/^["(]|[")]$/g, '')
      .trim()
      .toLowerCase();
    const term = termFor(operator?.toLowerCase(), value, operator ? undefined : raw);
    terms.push(negate ? (m) => !term(m) : term);
  }
  return (m) => terms.every((t) => t(m));
}

function termFor(operator: string | undefined, value: string, bare: string | undefined): Predicate {
  const has = (name: string) => (m: GmailFakeMessage) => header(m, name).toLowerCase().includes(value);
  switch (operator ?? '') {
    case 'rfc822msgid': {
      const id = value.replace(/^<|>$/g, '');
      return (m) => header(m, 'Message-ID').toLowerCase().replace(/^<|>$/g, '') === id;
    }
    case 'from':
      return has('From');
    case 'to':
      return has('To');
    case 'subject':
      return has('Subject');
    case 'in':
    case 'label':
      if (value === 'anywhere') return () => true;
      return (m) => m.labelIds.includes(value.toUpperCase());
    case 'is':
      return (m) =>
        value === 'unread' ? m.labelIds.includes('UNREAD') : m.labelIds.includes(value.toUpperCase());
    default: {
      // A bare word (or an operator the fake does not know, read as text, as Gmail does).
      const text = operator ? `${operator}:${value}` : (bare ?? value).replace(/^"|"$/g, '').toLowerCase();
      return (m) =>
        [header(m, 'Subject'), header(m, 'From'), m.snippet].some((s) => s.toLowerCase().includes(text));
    }
  }
}
