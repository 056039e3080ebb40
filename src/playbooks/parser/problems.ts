/** One thing wrong with a playbook: what, on which line, in which step. */
export interface PlaybookProblem {
  message: string;
  line: number | null;
  stepId: string | null;
}

/** `file:line: message` lines, the form editors and terminals link to. */
export function formatProblems(file: string, problems: readonly PlaybookProblem[]): string {
  return problems.map((p) => `${file}:${p.line ?? 1}: ${p.message}`).join('\n');
}

/** Problems in file order, so a reader can fix them top to bottom. */
export function sortProblems(problems: PlaybookProblem[]): PlaybookProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}
