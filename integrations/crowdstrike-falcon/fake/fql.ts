/**
 * The subset of Falcon Query Language the fake understands — enough for what adapters send:
 *
 *   field:'x'       hostname: partial, case-insensitive match; other fields: case-insensitive equality
 *   field:['a','b'] exact, case-sensitive membership
 *   field:*'*x*'    wildcard (`*`), case-insensitive
 *   field:!'x'      not equal (case-insensitive)
 *   a+b             AND;  a,b  OR (AND binds tighter in the fake)
 *
 * Quotes inside values are escaped with a backslash. Anything else is an error, so a test sees a
 * 400 instead of a silently wrong answer.
 */
export type FqlRecord = Record<string, unknown>;
export type Predicate = (record: FqlRecord) => boolean;

export class FqlError extends Error {}

export function parseFql(filter: string): Predicate {
  const text = filter.trim();
  if (!text) return () => true;
  const alternatives = splitTopLevel(text, ',').map((group) => splitTopLevel(group, '+').map(parseCondition));
  return (record) => alternatives.some((all) => all.every((p) => p(record)));
}

function parseCondition(source: string): Predicate {
  const match = /^([A-Za-z_][\w.]*):(!|\*)?(.*)$/s.exec(source.trim());
  if (!match) throw new FqlError(`cannot parse condition "${source}"`);
  const [, field, operator, rawValue] = match as unknown as [string, string, string | undefined, string];
  const read = (record: FqlRecord) => {
    const value = record[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const value = rawValue.trim();
  if (value.startsWith('[')) {
    if (operator) throw new FqlError(`operator "${operator}" cannot take a list in "${source}"`);
    const inner = value.endsWith(']') ? value.slice(1, -1) : fail(`unclosed list in "${source}"`);
    const wanted = splitTopLevel(inner, ',').map((item) => unquote(item.trim(), source));
    return (record) => {
      const actual = read(record);
      return actual !== undefined && wanted.includes(actual);
    };
  }
  const wanted = unquote(value, source).toLowerCase();
  if (operator === '*') {
    const pattern = new RegExp(`^${wanted.split('*').map(escapeRegExp).join('.*')}$`, 'i');
    return (record) => pattern.test(read(record) ?? '');
  }
  if (operator === '!') return (record) => (read(record) ?? '').toLowerCase() !== wanted;
  if (field === 'hostname') return (record) => (read(record) ?? '').toLowerCase().includes(wanted);
  return (record) => (read(record) ?? '').toLowerCase() === wanted;
}

/** Splits on `separator` outside quotes and brackets. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted || depth !== 0) throw new FqlError(`unbalanced quotes or brackets in "${text}"`);
  parts.push(text.slice(start));
  return parts;
}

function unquote(value: string, source: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  // Bare values (numbers, booleans) are allowed; bare words with spaces or quotes are not.
  if (/^[\w.-]+$/.test(value)) return value;
  return fail(`cannot parse value "${value}" in "${source}"`);
}

function fail(message: string): never {
  throw new FqlError(message);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
