import { createHash } from 'node:crypto';

export const DEFAULT_ENTITY_TYPES = ['HOSTNAME', 'USER'];

/**
 * A stable identity for "the same detection again": the source's own id when it gives one,
 * otherwise source + rule (or title) + the entities involved (which observable types count as
 * the entity is configurable per source).
 */
export function alertFingerprint(
  a: {
    source: string;
    sourceRef?: string | null;
    rule?: string | null;
    title: string;
    observables: { type: string; value: string }[];
  },
  entityTypes: string[] = DEFAULT_ENTITY_TYPES,
): string {
  const basis = a.sourceRef
    ? ['ref', a.source, a.sourceRef]
    : [
        'content',
        a.source,
        (a.rule ?? a.title).trim().toLowerCase(),
        ...a.observables
          .filter((o) => entityTypes.includes(o.type))
          .map((o) => `${o.type}=${o.value.toLowerCase()}`)
          .sort(),
      ];
  return createHash('sha256').update(basis.join('\u0000')).digest('hex');
}
