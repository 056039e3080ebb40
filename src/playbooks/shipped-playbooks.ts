import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import type { ActionCatalogue } from './action-catalogue';
import { playbookLinks } from './parser/playbook-links';
import { checkChildCycles } from './playbook-cycles';
import { formatProblems, parsePlaybook } from './playbook-parser';

export interface ShippedPlaybook {
  file: string;
  source: string;
  definition: PlaybookDefinition;
  contentHash: string;
}

/**
 * Reads and checks the playbooks shipped in `dir` as one library: they may start each other,
 * but not in a cycle, and no two share an id. Throws with every `file:line: message` found,
 * so a broken shipped playbook stops the start instead of failing a run later.
 */
export function readShippedPlaybooks(dir: string, actions: ActionCatalogue): ShippedPlaybook[] {
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
  const sources = files.map((file) => ({ file, source: fs.readFileSync(file, 'utf8') }));
  const ids = sources.map((s) => playbookLinks(s.source)?.id).filter((id): id is string => !!id);
  const problems: string[] = [];
  const shipped: ShippedPlaybook[] = [];
  for (const { file, source } of sources) {
    const parsed = parsePlaybook(source, { knownActions: actions, knownPlaybooks: ids });
    if (!parsed.ok) {
      problems.push(formatProblems(file, parsed.problems));
      continue;
    }
    const twin = shipped.find((s) => s.definition.id === parsed.definition.id);
    if (twin) problems.push(`${file}:1: id "${parsed.definition.id}" is also the id of ${twin.file}`);
    else shipped.push({ file, source, definition: parsed.definition, contentHash: parsed.contentHash });
  }
  for (const cycle of checkChildCycles(shipped)) problems.push(formatProblems(cycle.file, [cycle.problem]));
  if (problems.length) throw new Error(`invalid shipped playbooks:\n${problems.join('\n')}`);
  return shipped;
}
