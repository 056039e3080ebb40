import { isMapping } from './scope';
import { YamlSource, type YamlPath } from './yaml-source';

/** A `playbook:` step: which playbook it starts, from where. */
export interface ChildLink {
  target: string;
  stepId: string | null;
  line: number | null;
}

export interface PlaybookLinks {
  id: string;
  children: ChildLink[];
}

/**
 * The child playbooks a source starts, read loosely so that a file with other problems still
 * takes part in the cycle check. Null when the source has no usable id.
 */
export function playbookLinks(source: string): PlaybookLinks | null {
  const { source: src, problems } = YamlSource.parse(source);
  if (problems.length) return null;
  const def = src.toJS();
  if (!isMapping(def) || typeof def.id !== 'string') return null;
  const children: ChildLink[] = [];
  const walk = (list: unknown, path: YamlPath): void => {
    if (!Array.isArray(list)) return;
    list.forEach((step, i) => {
      if (!isMapping(step)) return;
      const at = [...path, i];
      if (typeof step.playbook === 'string')
        children.push({
          target: step.playbook,
          stepId: typeof step.id === 'string' ? step.id : null,
          line: src.lineAt([...at, 'playbook']),
        });
      for (const key of ['then', 'else', 'parallel']) walk(step[key], [...at, key]);
    });
  };
  walk(def.steps, ['steps']);
  return { id: def.id, children };
}

/** Child links of an already parsed definition (no lines needed). */
export function definitionLinks(definition: { id: string; steps: unknown }): PlaybookLinks {
  const children: ChildLink[] = [];
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const step of list) {
      if (!isMapping(step)) continue;
      if (typeof step.playbook === 'string')
        children.push({
          target: step.playbook,
          stepId: typeof step.id === 'string' ? step.id : null,
          line: null,
        });
      for (const key of ['then', 'else', 'parallel']) walk(step[key]);
    }
  };
  walk(definition.steps);
  return { id: definition.id, children };
}

/** One cycle of child playbooks, e.g. a → b → a, with the link that leaves each member. */
export interface ChildCycle {
  chain: string[];
  links: { from: string; link: ChildLink }[];
}

/**
 * Cycles among child-playbook links (a run that would start itself through its children, for
 * ever). Each cycle is reported once, starting from its alphabetically first member; `from`
 * restricts the answer to cycles through those playbooks.
 */
export function findChildCycles(
  graph: ReadonlyMap<string, PlaybookLinks>,
  from?: Iterable<string>,
): ChildCycle[] {
  const found = new Map<string, ChildCycle>();
  const path: { id: string; link: ChildLink | null }[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string, via: ChildLink | null): void => {
    if (onPath.has(id)) {
      const start = path.findIndex((p) => p.id === id);
      const members = path.slice(start);
      const links = members.map((m, i) => ({
        from: m.id,
        link: (i + 1 < members.length ? members[i + 1].link : via) as ChildLink,
      }));
      const rotation = links.reduce((best, l, i) => (l.from < links[best].from ? i : best), 0);
      const ordered = [...links.slice(rotation), ...links.slice(0, rotation)];
      const chain = [...ordered.map((l) => l.from), ordered[0].from];
      found.set(chain.join('→'), { chain, links: ordered });
      return;
    }
    if (done.has(id)) return;
    const node = graph.get(id);
    if (!node) return;
    path.push({ id, link: via });
    onPath.add(id);
    for (const link of node.children) visit(link.target, link);
    onPath.delete(id);
    path.pop();
    done.add(id);
  };
  for (const id of [...graph.keys()].sort()) visit(id, null);
  const wanted = from ? new Set(from) : null;
  return [...found.values()].filter((c) => !wanted || c.chain.some((id) => wanted.has(id)));
}
