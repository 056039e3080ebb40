import { createHash } from 'node:crypto';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import { asCatalogue, type ActionCatalogue } from './action-catalogue';
import { CheckContext, type CheckOptions } from './parser/check-context';
import { checkPlaybook } from './parser/check-playbook';
import { sortProblems, type PlaybookProblem } from './parser/problems';
import type { Mapping } from './parser/scope';
import { checkFlow } from './parser/semantic/flow';
import { checkReferences } from './parser/semantic/references';
import { YamlSource } from './parser/yaml-source';

export { formatProblems, type PlaybookProblem } from './parser/problems';

export type ParseResult =
  | { ok: true; definition: PlaybookDefinition; contentHash: string }
  | { ok: false; problems: PlaybookProblem[] };

export interface ParseOptions {
  /**
   * What actions exist beyond the capabilities and built-ins: a catalogue of the installed
   * integrations, or a predicate. Without it, names outside the capability families pass.
   */
  knownActions?: ActionCatalogue | ((name: string) => boolean);
  /** Which playbooks a `playbook:` step may start. Without it, child ids are checked for form only. */
  knownPlaybooks?: Iterable<string> | ((id: string) => boolean);
}

/**
 * Parses and checks a playbook, reporting every problem with its line and step: the same checks
 * back start-up loading, `validatePlaybook`, `savePlaybook` and `cordon playbook validate`.
 * Structure first (a checker per step kind, unknown keys refused by name, templates compiled),
 * then meaning: step references in order, goto targets, unreachable steps.
 */
export function parsePlaybook(source: string, options: ParseOptions = {}): ParseResult {
  const parsed = YamlSource.parse(source);
  if (parsed.problems.length) return { ok: false, problems: parsed.problems };
  const src = parsed.source;
  if (!src.isMapping)
    return {
      ok: false,
      problems: [
        { message: 'a playbook is a YAML mapping with id, name, trigger and steps', line: 1, stepId: null },
      ],
    };
  const ctx = new CheckContext(src, resolveOptions(options));
  const definition = src.toJS() as Mapping;
  checkPlaybook(ctx, definition);
  checkReferences(ctx);
  checkFlow(ctx);
  if (ctx.problems.length) return { ok: false, problems: sortProblems(ctx.problems) };
  return {
    ok: true,
    definition: definition as unknown as PlaybookDefinition,
    contentHash: contentHash(source),
  };
}

/** A version's identity: the SHA-256 of its exact source text. */
export function contentHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

function resolveOptions(options: ParseOptions): CheckOptions {
  const known = options.knownPlaybooks;
  if (known === undefined)
    return { actions: asCatalogue(options.knownActions), playbooks: null, playbookNames: [] };
  if (typeof known === 'function')
    return { actions: asCatalogue(options.knownActions), playbooks: known, playbookNames: [] };
  const ids = new Set(known);
  return {
    actions: asCatalogue(options.knownActions),
    playbooks: (id) => ids.has(id),
    playbookNames: [...ids].sort(),
  };
}
