import { createHash } from 'node:crypto';

/**
 * A stable identity for "the same detection again": the source's own id when it gives one,
 * otherwise the source, title and the entities involved.
 */
export function alertFingerprint(a: {
  source: string;
  sourceRef?: string | null;
  title: string;
  observables: { type: string; value: string }[];
}): string {
  const basis = a.sourceRef
    ? ['ref', a.source, a.sourceRef]
    : [
        'content',
        a.source,
        a.title.trim().toLowerCase(),
        ...a.observables
          .filter((o) => o.type === 'HOSTNAME' || o.type === 'USER')
          .map((o) => `${o.type}=${o.value}`)
          .sort(),
      ];
  return createHash('sha256').update(basis.join('\u0000')).digest('hex');
}
