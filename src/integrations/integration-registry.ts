import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CAPABILITIES } from './kit/capabilities';
import type { IntegrationCategory, IntegrationDefinition } from './kit/integration.types';

const CATEGORIES: readonly IntegrationCategory[] = [
  'edr',
  'identity',
  'firewall',
  'email',
  'intel',
  'notify',
  'chat',
];

/** A folder under integrations/ that does not hold a valid integration. */
export class IntegrationLoadError extends Error {
  constructor(folder: string, problem: string) {
    super(`integration folder ${folder}: ${problem}`);
    this.name = 'IntegrationLoadError';
  }
}

/**
 * The project's own `integrations/` folder, then any extra folders. Resolved from this file so it
 * works from `src/integrations/` (ts under Jest) and `dist/src/integrations/` (compiled) alike.
 */
export function defaultIntegrationDirs(extra: string[] = []): string[] {
  return [path.resolve(__dirname, '../../integrations'), ...extra.map((dir) => path.resolve(dir))];
}

/**
 * Loads every sub-folder of `dirs` as an integration: `require()` of the folder's index, its
 * default export (or the module itself), checked before anything may use it. Adding a vendor is
 * adding a folder; nothing is listed by hand.
 */
export function discoverIntegrations(dirs: string[]): IntegrationDefinition[] {
  const found = new Map<string, { definition: IntegrationDefinition; folder: string }>();
  for (const dir of dirs) {
    for (const folder of integrationFolders(dir)) {
      const definition = loadIntegration(folder);
      const id = definition.manifest.id;
      const previous = found.get(id);
      if (previous)
        throw new IntegrationLoadError(
          folder,
          `duplicate integration id "${id}" (also in ${previous.folder})`,
        );
      found.set(id, { definition, folder });
    }
  }
  return [...found.values()].map((f) => f.definition);
}

function integrationFolders(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new Error(`integrations folder not found: ${dir}`);
  }
  return entries
    .filter((name) => !name.startsWith('.') && !name.startsWith('_') && name !== 'node_modules')
    .map((name) => path.join(dir, name))
    .filter((full) => statSync(full).isDirectory())
    .sort();
}

/** Requires one integration folder and validates what it exports. */
export function loadIntegration(folder: string): IntegrationDefinition {
  let loaded: unknown;
  try {
    // A folder require resolves index.ts under Jest and index.js once compiled.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- discovery needs a runtime path
    loaded = require(folder);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new IntegrationLoadError(folder, `cannot be loaded: ${message}`);
  }
  const exported = (loaded as { default?: unknown } | null)?.default ?? loaded;
  validate(folder, exported);
  return exported;
}

function validate(folder: string, value: unknown): asserts value is IntegrationDefinition {
  const fail = (problem: string): never => {
    throw new IntegrationLoadError(folder, problem);
  };
  const def = value as Partial<IntegrationDefinition> | null | undefined;
  if (!def || typeof def !== 'object') return fail('must export an IntegrationDefinition (default export)');
  const m = def.manifest;
  if (!m || typeof m !== 'object') return fail('has no manifest');
  const name = path.basename(folder);
  if (m.id !== name) fail(`manifest.id "${String(m.id)}" must equal the folder name "${name}"`);
  for (const field of ['vendor', 'product', 'version', 'docsUrl', 'description'] as const) {
    if (typeof m[field] !== 'string' || !m[field]) fail(`manifest.${field} must be a non-empty string`);
  }
  if (!CATEGORIES.includes(m.category)) fail(`manifest.category must be one of ${CATEGORIES.join(', ')}`);
  for (const field of ['settings', 'secrets', 'capabilities'] as const) {
    if (!m[field] || typeof m[field] !== 'object') fail(`manifest.${field} must be an object`);
  }
  if (!def.actions || typeof def.actions !== 'object') return fail('has no actions');
  for (const [key, action] of Object.entries(def.actions)) {
    if (!action || typeof action.run !== 'function') fail(`action "${key}" has no run()`);
    if (action.name !== key)
      fail(`action "${key}" is named "${String(action.name)}"; the key must be the name`);
  }
  for (const [capability, actionName] of Object.entries(m.capabilities)) {
    const action = def.actions[actionName];
    if (!action) fail(`capability "${capability}" maps to unknown action "${actionName}"`);
    const contract = CAPABILITIES[capability];
    if (contract) {
      if (contract.mutating !== action.mutating) {
        fail(
          `action "${actionName}" must ${contract.mutating ? '' : 'not '}be mutating to implement "${capability}"`,
        );
      }
    } else if (!capability.startsWith(`${m.id}.`)) {
      // Vendor-specific capabilities are namespaced by the integration; anything else is a typo.
      fail(
        `unknown capability "${capability}" (known: ${Object.keys(CAPABILITIES).join(', ')}; vendor-specific ones start with "${m.id}.")`,
      );
    }
  }
  if (typeof def.healthCheck !== 'function') fail('has no healthCheck()');
  if (typeof def.createFake !== 'function') fail('has no createFake()');
  if (typeof def.fakeConnection !== 'function') fail('has no fakeConnection()');
}
