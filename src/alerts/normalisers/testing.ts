import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NormaliseError } from './normaliser.types';

/** Spec helper: loads a vendor fixture from test/fixtures/alerts/<source>/. */
export function fixtureLoader(source: string): (name: string) => any {
  const dir = join(__dirname, '../../../test/fixtures/alerts', source);
  return (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

/** Spec helper: runs code that must throw a NormaliseError, and returns it. */
export function errorOf(fn: () => unknown): NormaliseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NormaliseError) return error;
    throw error;
  }
  throw new Error('expected a NormaliseError');
}
