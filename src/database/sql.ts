import type { EntityManager } from 'typeorm';

/**
 * Runs SQL with RETURNING and gives back the rows. TypeORM's postgres driver answers an
 * UPDATE/DELETE with [rows, affectedCount] but an INSERT/SELECT with rows alone.
 */
export async function returning<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const raw = (await em.query(sql, params)) as unknown;
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number')
    return raw[0] as T[];
  return raw as T[];
}

/** Escapes LIKE's wildcards so user text matches literally (use with ESCAPE '\\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
