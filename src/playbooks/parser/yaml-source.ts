import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { PlaybookProblem } from './problems';

export type YamlPath = readonly (string | number)[];

/** A parsed playbook file that can say on which line any value (or key) sits. */
export class YamlSource {
  private constructor(
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly value: unknown,
  ) {}

  /** Parses the text; YAML syntax errors come back as problems with their lines. */
  static parse(source: string): { source: YamlSource; problems: PlaybookProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const problems = doc.errors.map((e) => ({
      message: `YAML: ${e.message.split('\n')[0]}`,
      line: lines.linePos(e.pos[0]).line,
      stepId: null,
    }));
    // Aliases are expanded here, and the yaml package refuses too many of them (an alias bomb)
    // by throwing: that is a problem with the file, not an error of ours.
    let value: unknown;
    if (!problems.length) {
      try {
        value = doc.toJS();
      } catch (err) {
        problems.push({ message: `YAML: ${(err as Error).message}`, line: 1, stepId: null });
      }
    }
    return { source: new YamlSource(doc, lines, value), problems };
  }

  get isMapping(): boolean {
    return isMap(this.doc.contents);
  }

  toJS(): unknown {
    return this.value;
  }

  /**
   * The line of the value at `path`: for a mapping entry the line of its key (where a reader
   * looks), for a list item its first line. A missing path falls back to its nearest ancestor.
   */
  lineAt(path: YamlPath): number | null {
    for (let depth = path.length; depth > 0; depth--) {
      const parent = depth === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, depth - 1), true);
      const last = path[depth - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === last);
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return this.lines.linePos(range[0]).line;
      } else if (isSeq(parent) && typeof last === 'number') {
        const range = (parent.items[last] as { range?: [number, number, number] } | undefined)?.range;
        if (range) return this.lines.linePos(range[0]).line;
      }
    }
    const range = this.doc.contents?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }
}
