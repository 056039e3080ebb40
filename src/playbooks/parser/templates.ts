import jsonata from 'jsonata';

/**
 * How a string field is read. `template`: only its `{{ … }}` parts are JSONata (the rest is
 * text). `expression`: the whole string is one JSONata expression, written with or without
 * braces (`if`, `when`, `foreach`), as the interpreter reads them.
 */
export type TemplateMode = 'template' | 'expression';

const WHOLE = /^\s*\{\{([\s\S]+?)\}\}\s*$/;
const PART = /\{\{([\s\S]+?)\}\}/g;

/** The JSONata expressions a string holds. */
export function expressionsOf(value: string, mode: TemplateMode): string[] {
  if (mode === 'expression') {
    const whole = WHOLE.exec(value);
    return [whole && !whole[1].includes('}}') ? whole[1] : value];
  }
  return [...value.matchAll(PART)].map((m) => m[1]);
}

interface Compiled {
  ast?: unknown;
  error?: string;
}

/** Compiles JSONata once per distinct expression within a parse. */
export class ExpressionCache {
  private readonly compiled = new Map<string, Compiled>();

  compile(expr: string): Compiled {
    let found = this.compiled.get(expr);
    if (!found) {
      try {
        found = { ast: jsonata(expr).ast() };
      } catch (err) {
        const e = err as { message?: string; position?: number };
        const where = e.position !== undefined ? ` (at character ${e.position})` : '';
        found = { error: `${e.message ?? String(err)}${where}` };
      }
      this.compiled.set(expr, found);
    }
    return found;
  }
}

type AstNode = { type?: string; value?: unknown; steps?: AstNode[] } & Record<string, unknown>;

/**
 * The step ids an expression reads as `steps.<id>` (or `$$.steps.<id>`), found in its syntax
 * tree so text inside string literals is not mistaken for a reference.
 */
export function stepReferences(ast: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.type === 'path' && Array.isArray(n.steps)) {
      let i = 0;
      if (n.steps[0]?.type === 'variable' && (n.steps[0].value === '' || n.steps[0].value === '$')) i = 1;
      const head = n.steps[i];
      const id = n.steps[i + 1];
      if (
        head?.type === 'name' &&
        head.value === 'steps' &&
        id?.type === 'name' &&
        typeof id.value === 'string'
      )
        found.add(id.value);
    }
    for (const value of Object.values(n)) if (value && typeof value === 'object') visit(value);
  };
  visit(ast);
  return [...found];
}
