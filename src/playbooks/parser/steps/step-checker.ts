import type { ListKind, StepInfo } from '../check-context';
import type { Mapping, Scope } from '../scope';

/** What a kind's checker gets: the step, a scope that words messages, and a way into nested lists. */
export interface StepCheck {
  scope: Scope;
  raw: Mapping;
  info: StepInfo;
  /** Checks a nested list of steps (then, else, parallel) as part of this step. */
  nested(key: Exclude<ListKind, 'steps'>, value: unknown): void;
}

export type StepChecker = (check: StepCheck) => void;
