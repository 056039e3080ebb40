import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config/paths';
import {
  defaultIntegrationDirs,
  discoverIntegrations,
  loadIntegration,
} from '../integrations/integration-registry';
import type { IntegrationDefinition } from '../integrations/kit/integration.types';
import { actionCatalogue } from '../playbooks/action-catalogue';
import { playbookLinks } from '../playbooks/parser/playbook-links';
import { sortProblems, type PlaybookProblem } from '../playbooks/parser/problems';
import { checkChildCycles } from '../playbooks/playbook-cycles';
import { parsePlaybook } from '../playbooks/playbook-parser';
import type { CliIo } from './cli-io';

export const VALIDATE_USAGE =
  'usage: cordon playbook validate <file.yaml>... [--integrations DIR]... [--playbooks DIR]';

export interface ValidateDeps {
  /** The installed integrations (their actions are what playbooks may call). */
  integrations(extraDirs: string[], warn: (message: string) => void): IntegrationDefinition[];
  /** The library of playbooks a `playbook:` step may start (besides the files given). */
  libraryDir: string;
  readFile(file: string): string;
}

export const defaultValidateDeps: ValidateDeps = {
  integrations: (extra, warn) => {
    const dirs = defaultIntegrationDirs(extra);
    try {
      return discoverIntegrations(dirs);
    } catch {
      // One broken vendor folder should not stop every playbook from being checked.
      return loadEachIntegration(dirs, warn);
    }
  },
  libraryDir: path.join(projectRoot(), 'playbooks'),
  readFile: (file) => fs.readFileSync(file, 'utf8'),
};

interface Checked {
  file: string;
  source: string | null;
  problems: PlaybookProblem[];
  summary?: string;
}

/**
 * `cordon playbook validate`: the checks savePlaybook makes, on files, as `file:line: message`
 * lines. Child playbooks may be any of the files given or the library (playbooks/); cycles are
 * looked for across all of them. Exit 0 when every file is valid, 1 when one is not, 2 on usage.
 */
export async function runPlaybookValidate(
  argv: string[],
  io: CliIo,
  deps: ValidateDeps = defaultValidateDeps,
): Promise<number> {
  const files: string[] = [];
  const extraDirs: string[] = [];
  let libraryDir = deps.libraryDir;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.out(VALIDATE_USAGE);
      return 0;
    }
    if (arg === '--integrations' || arg === '--playbooks') {
      const value = argv[++i];
      if (value === undefined) return usage(io, `${arg} needs a directory`);
      if (arg === '--integrations') extraDirs.push(value);
      else libraryDir = value;
    } else if (arg.startsWith('-')) return usage(io, `unknown option "${arg}"`);
    else files.push(arg);
  }
  if (!files.length) return usage(io, 'which playbook files?');

  let integrations: IntegrationDefinition[];
  try {
    integrations = deps.integrations(extraDirs, (m) => io.err(`warning: ${m}`));
  } catch (err) {
    io.err(`cannot load integrations: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const catalogue = actionCatalogue(integrations);

  const checked: Checked[] = files.map((file) => {
    try {
      return { file, source: deps.readFile(file), problems: [] };
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      return {
        file,
        source: null,
        problems: [{ line: null, stepId: null, message: `cannot read the file (${reason})` }],
      };
    }
  });
  const library = readLibrary(libraryDir, new Set(files.map((f) => path.resolve(f))), deps);
  const ids = new Set<string>();
  const firstFileOf = new Map<string, string>();
  for (const c of checked) {
    const id = c.source === null ? undefined : playbookLinks(c.source)?.id;
    if (!id) continue;
    const first = firstFileOf.get(id);
    if (first)
      c.problems.push({
        line: 1,
        stepId: null,
        message: `id "${id}" is also the id of ${first}; each playbook needs its own id`,
      });
    else firstFileOf.set(id, c.file);
    ids.add(id);
  }
  for (const entry of library) {
    const id = playbookLinks(entry.source)?.id;
    if (id) ids.add(id);
  }

  for (const c of checked) {
    if (c.source === null) continue;
    const parsed = parsePlaybook(c.source, { knownActions: catalogue, knownPlaybooks: ids });
    if (parsed.ok) c.summary = `${parsed.definition.id}, sha256 ${parsed.contentHash.slice(0, 12)}`;
    else c.problems.push(...parsed.problems);
  }
  const sources = checked
    .filter((c) => c.source !== null)
    .map((c) => ({ file: c.file, source: c.source as string }));
  for (const cycle of checkChildCycles([...sources, ...library])) {
    checked.find((c) => c.file === cycle.file)?.problems.push(cycle.problem);
  }

  let invalid = 0;
  let count = 0;
  for (const c of checked) {
    if (!c.problems.length) {
      io.out(`${c.file}: ok (${c.summary ?? ''})`);
      continue;
    }
    invalid++;
    count += c.problems.length;
    for (const p of sortProblems(c.problems)) io.out(`${c.file}:${p.line ?? 1}: ${p.message}`);
  }
  io.out(
    invalid
      ? `${invalid} of ${checked.length} playbook file(s) invalid, ${count} problem(s)`
      : `${checked.length} playbook file(s) valid`,
  );
  return invalid ? 1 : 0;
}

function readLibrary(
  dir: string,
  given: Set<string>,
  deps: ValidateDeps,
): { file: string; source: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => !given.has(path.resolve(file)))
    .flatMap((file) => {
      try {
        return [{ file, source: deps.readFile(file) }];
      } catch {
        return []; // an unreadable library file only narrows what children may be
      }
    });
}

/** Each folder on its own; a folder that fails is named and its actions count as unknown. */
function loadEachIntegration(dirs: string[], warn: (message: string) => void): IntegrationDefinition[] {
  const found = new Map<string, IntegrationDefinition>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      warn(`integrations folder not found: ${dir}`);
      continue;
    }
    for (const name of names.sort()) {
      const folder = path.join(dir, name);
      if (name.startsWith('.') || name.startsWith('_') || name === 'node_modules') continue;
      if (!fs.statSync(folder).isDirectory()) continue;
      try {
        const definition = loadIntegration(folder);
        if (!found.has(definition.manifest.id)) found.set(definition.manifest.id, definition);
      } catch (err) {
        warn(`skipped ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  return [...found.values()];
}

function usage(io: CliIo, problem: string): number {
  io.err(problem);
  io.err(VALIDATE_USAGE);
  return 2;
}
