import type { StepKind } from '../../workflows/playbook.types';
import type { ActionCatalogue } from '../action-catalogue';
import type { PlaybookProblem } from './problems';
import { ExpressionCache } from './templates';
import type { YamlPath, YamlSource } from './yaml-source';

export type ListKind = 'steps' | 'then' | 'else' | 'parallel';

/** One list of steps: the playbook's own, a branch's then/else, or a parallel step's branches. */
export interface StepList {
  path: YamlPath;
  kind: ListKind;
  /** The step holding this list (null for the playbook's steps). */
  owner: StepInfo | null;
  items: StepInfo[];
}

/** A step as the semantic checks see it: where it is and what encloses it. */
export interface StepInfo {
  /** Null when missing or malformed (already reported). */
  id: string | null;
  path: YamlPath;
  list: StepList;
  index: number;
  /** Null when the step has no kind or several (already reported). */
  kind: StepKind | null;
  raw: Record<string, unknown>;
  /** Enclosing steps, outermost first. */
  ancestors: StepInfo[];
}

/** Where a template was read, and the step ids it names. */
export interface TemplateUse {
  /** The step the template belongs to; null for the playbook's inputs and outputs. */
  step: StepInfo | null;
  /** `compensate` runs after its step; `inputs` before any step; `outputs` after all. */
  site: 'step' | 'compensate' | 'inputs' | 'outputs';
  path: YamlPath;
  field: string;
  ids: string[];
}

export interface CheckOptions {
  actions: ActionCatalogue;
  /** Null when the caller cannot say which playbooks exist: child ids are checked for form only. */
  playbooks: ((id: string) => boolean) | null;
  playbookNames: string[];
}

/** Everything one parse collects: problems as they are found, and the facts the semantic pass needs. */
export class CheckContext {
  readonly problems: PlaybookProblem[] = [];
  readonly lists: StepList[] = [];
  readonly steps: StepInfo[] = [];
  readonly uses: TemplateUse[] = [];
  readonly expressions = new ExpressionCache();
  playbookId: string | null = null;

  constructor(
    readonly src: YamlSource,
    readonly options: CheckOptions,
  ) {}

  report(path: YamlPath, message: string, stepId: string | null = null): void {
    this.problems.push({ message, line: this.src.lineAt(path), stepId });
  }
}

/** `with.hostname`, `approval.escalate[0].timeout`. */
export function fieldName(path: YamlPath): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}
