import { findChildCycles, playbookLinks, type PlaybookLinks } from './parser/playbook-links';
import type { PlaybookProblem } from './parser/problems';

export interface CycleProblem {
  /** Which of the given entries the problem is in. */
  file: string;
  problem: PlaybookProblem;
}

/**
 * Child-playbook cycles (A starts B starts A) among a set of playbook sources: one problem per
 * playbook in a cycle, on the line of its `playbook:` step that continues the chain. The first
 * entry with a given id wins, so a file being checked can stand in for a stored version.
 */
export function checkChildCycles(entries: readonly { file: string; source: string }[]): CycleProblem[] {
  const graph = new Map<string, PlaybookLinks>();
  const fileOf = new Map<string, string>();
  for (const entry of entries) {
    const links = playbookLinks(entry.source);
    if (!links || graph.has(links.id)) continue;
    graph.set(links.id, links);
    fileOf.set(links.id, entry.file);
  }
  const problems: CycleProblem[] = [];
  // A playbook starting itself is reported by the parser, on its own.
  for (const cycle of findChildCycles(graph).filter((c) => c.chain.length > 2)) {
    const chain = cycle.chain.join(' → ');
    for (const { from, link } of cycle.links) {
      const step = link.stepId ? `step "${link.stepId}": ` : '';
      problems.push({
        file: fileOf.get(from) ?? from,
        problem: {
          line: link.line,
          stepId: link.stepId,
          message: `${step}playbook: child playbooks form a cycle ${chain}: each run would start the next for ever; remove one of these playbook steps`,
        },
      });
    }
  }
  return problems;
}
