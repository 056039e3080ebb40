/**
 * A small, safe XML reader for PAN-OS XML API answers (and the fake's requests). It builds a plain
 * element tree and nothing more: no DTDs, no entity definitions, no external references — a
 * `<!DOCTYPE` is refused outright — so a hostile or broken answer cannot make us fetch or expand
 * anything. Only the five predefined entities and numeric character references are decoded.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (character data and CDATA), children's text excluded. */
  text: string;
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

const MAX_INPUT = 16 * 1024 * 1024;
const MAX_DEPTH = 128;
const NAME = /[A-Za-z_:][-\w.:]*/y;
const SPACE = /\s*/y;

/** Parses one XML document (declaration, comments and whitespace around the root allowed). */
export function parseXml(source: string): XmlElement {
  if (source.length > MAX_INPUT) throw new XmlParseError('document too large');
  const reader = new Reader(source.replace(/^\uFEFF/, ''));
  return reader.document();
}

/** Parses a fragment that may hold several sibling elements (a PAN-OS `element=` parameter). */
export function parseXmlFragment(fragment: string): XmlElement[] {
  return parseXml(`<fragment>${fragment}</fragment>`).children;
}

/** The first child called `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child called `name`. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Walks down by child names: `path(root, 'result', 'job', 'status')`. */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = el;
  for (const name of names) current = child(current, name);
  return current;
}

/** Trimmed own text of the element at `names` under `el`, or undefined when it is absent. */
export function textAt(el: XmlElement | undefined, ...names: string[]): string | undefined {
  const found = path(el, ...names);
  return found ? found.text.trim() : undefined;
}

/** Every `<line>` under `el` (PAN-OS nests messages in them), or its own text when it has none. */
export function lines(el: XmlElement | undefined): string[] {
  if (!el) return [];
  const found: string[] = [];
  const visit = (node: XmlElement) => {
    for (const c of node.children) {
      if (c.name === 'line') {
        const nested = lines(c);
        if (nested.length) found.push(...nested);
        else if (c.text.trim()) found.push(c.text.trim());
      } else visit(c);
    }
  };
  visit(el);
  if (!found.length && el.text.trim()) found.push(el.text.trim());
  return found;
}

/** Escapes text for use in element content or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY_FOR[c] ?? c);
}

/** Serialises an element tree (attributes and text escaped). */
export function toXml(el: XmlElement): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const inner = escapeXml(el.text) + el.children.map(toXml).join('');
  return inner ? `<${el.name}${attrs}>${inner}</${el.name}>` : `<${el.name}${attrs}/>`;
}

/** Builds an element: `el('member', {}, 'x')`, `el('static', {}, [el('member', {}, 'a')])`. */
export function el(
  name: string,
  attrs: Record<string, string> = {},
  content: string | XmlElement[] = [],
): XmlElement {
  return typeof content === 'string'
    ? { name, attrs, children: [], text: content }
    : { name, attrs, children: content, text: '' };
}

const ENTITY_FOR: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    this.misc();
    if (this.src[this.pos] !== '<') throw this.fail('expected a root element');
    const root = this.element(0);
    this.misc();
    if (this.pos < this.src.length) throw this.fail('content after the root element');
    return root;
  }

  /** Skips whitespace, the XML declaration, processing instructions and comments. */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('<?', this.pos)) this.skipPast('?>');
      else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.src.startsWith('<!', this.pos)) throw this.fail('DTDs and declarations are not accepted');
      else return;
    }
  }

  private element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw this.fail('elements nested too deeply');
    this.pos++; // '<'
    const name = this.name();
    const node: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return node;
      }
      if (this.src[this.pos] === '>') {
        this.pos++;
        break;
      }
      const attr = this.name();
      this.skipSpace();
      if (this.src[this.pos] !== '=') throw this.fail(`attribute ${attr} has no value`);
      this.pos++;
      this.skipSpace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") throw this.fail(`attribute ${attr} is not quoted`);
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end < 0) throw this.fail(`attribute ${attr} is not closed`);
      node.attrs[attr] = decodeEntities(this.src.slice(this.pos + 1, end));
      this.pos = end + 1;
    }
    let text = '';
    for (;;) {
      const next = this.src.indexOf('<', this.pos);
      if (next < 0) throw this.fail(`element ${name} is not closed`);
      text += decodeEntities(this.src.slice(this.pos, next));
      this.pos = next;
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== name) throw this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        if (this.src[this.pos] !== '>') throw this.fail(`</${closing} is not closed`);
        this.pos++;
        node.text = text;
        return node;
      }
      if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos);
        if (end < 0) throw this.fail('CDATA section is not closed');
        text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.src.startsWith('<?', this.pos)) this.skipPast('?>');
      else if (this.src.startsWith('<!', this.pos)) throw this.fail('declarations are not accepted');
      else node.children.push(this.element(depth + 1));
    }
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.src);
    if (!match) throw this.fail('expected a name');
    this.pos = NAME.lastIndex;
    return match[0];
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.src);
    this.pos = SPACE.lastIndex;
  }

  private skipPast(marker: string): void {
    const end = this.src.indexOf(marker, this.pos);
    if (end < 0) throw this.fail(`unterminated ${marker}`);
    this.pos = end + marker.length;
  }

  private fail(problem: string): XmlParseError {
    return new XmlParseError(`${problem} (at character ${this.pos})`);
  }
}
