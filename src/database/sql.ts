import { escapeLiteral } from 'pg';
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

/** What inlineParams writes as a literal: anything else (an object) is serialised by the caller. */
export type SqlScalar = string | number | boolean | Date | null;
/** A list is written as ARRAY[…]: give it its type in the statement (`$3::uuid[]`), as an empty one needs. */
export type SqlValue = SqlScalar | readonly SqlScalar[];

/**
 * Writes a statement's parameters into its text as literals, for the simple query protocol
 * (which takes none): `$n` becomes the nth value. Only for Cordon's own statements, whose text
 * has no `$n` inside a quoted string. Strings are quoted by pg's escapeLiteral, which is right
 * whatever standard_conforming_strings says; a NUL would end the protocol's text early, so it
 * is refused, as PostgreSQL refuses it in a parameter.
 */
export function inlineParams(sql: string, params: readonly SqlValue[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`inlineParams: no value for $${n}`);
    return literal(params[i]);
  });
}

function literal(value: SqlValue): string {
  if (Array.isArray(value)) return `ARRAY[${value.map((v: SqlScalar) => literal(v)).join(', ')}]`;
  return scalar(value as SqlScalar);
}

function scalar(value: SqlScalar): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`inlineParams: ${value} is not a number PostgreSQL takes`);
    // In brackets: `a -$1` must not become the comment `a --1`.
    return value < 0 ? `(${value})` : String(value);
  }
  const text = value instanceof Date ? value.toISOString() : value;
  if (text.includes('\0')) throw new Error('inlineParams: a NUL character cannot be sent to PostgreSQL');
  return escapeLiteral(text);
}
