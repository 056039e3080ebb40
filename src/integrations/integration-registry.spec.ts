import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultIntegrationDirs, discoverIntegrations } from './integration-registry';

/** Writes a plain CommonJS integration folder; `patch` bends its manifest or exports. */
function writeIntegration(
  root: string,
  folder: string,
  patch: { manifest?: Record<string, unknown>; actions?: string[]; style?: 'default' | 'module' } = {},
) {
  const manifest = {
    id: folder,
    vendor: 'Acme',
    product: 'Shield',
    category: 'edr',
    version: '0.1.0',
    docsUrl: 'https://example.com/docs',
    description: 'test integration',
    settings: {},
    secrets: {},
    capabilities: { 'edr.find_host': 'find_host' },
    ...patch.manifest,
  };
  const actions = patch.actions ?? ['find_host'];
  const source = `
    const action = (name) => ({ name, description: '', inputSchema: {}, outputSchema: {}, mutating: false, run: async () => ({}) });
    const definition = {
      manifest: ${JSON.stringify(manifest)},
      actions: Object.fromEntries(${JSON.stringify(actions)}.map((n) => [n, action(n)])),
      healthCheck: async () => undefined,
      createFake: () => ({}),
      fakeConnection: () => ({ baseUrl: '', settings: {}, secrets: {} }),
    };
    ${patch.style === 'module' ? 'module.exports = definition;' : 'exports.default = definition;'}
  `;
  mkdirSync(path.join(root, folder), { recursive: true });
  writeFileSync(path.join(root, folder, 'index.js'), source);
}

describe('integration registry', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cordon-integrations-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the shipped integrations relative to its own file', () => {
    const [shipped, extra] = defaultIntegrationDirs(['relative/extra']);
    expect(shipped).toBe(path.resolve(__dirname, '../../integrations'));
    expect(extra).toBe(path.resolve('relative/extra'));

    const found = discoverIntegrations(defaultIntegrationDirs([]));
    const falcon = found.find((d) => d.manifest.id === 'crowdstrike-falcon');
    expect(falcon?.manifest.capabilities).toEqual({
      'edr.find_host': 'find_host',
      'edr.isolate_host': 'contain_host',
      'edr.release_host': 'lift_containment',
    });
    expect(Object.keys(falcon!.actions).sort()).toEqual(['contain_host', 'find_host', 'lift_containment']);
  });

  it('loads default exports and module.exports alike, and vendor-specific capabilities', () => {
    writeIntegration(root, 'acme-a');
    writeIntegration(root, 'acme-b', {
      style: 'module',
      manifest: { capabilities: { 'acme-b.rtr_kill': 'kill' } },
      actions: ['kill'],
    });
    mkdirSync(path.join(root, '.hidden'));
    writeFileSync(path.join(root, 'notes.txt'), 'not a folder');
    expect(discoverIntegrations([root]).map((d) => d.manifest.id)).toEqual(['acme-a', 'acme-b']);
  });

  it.each([
    [
      'an id that differs from the folder',
      { manifest: { id: 'other' } },
      /manifest\.id "other" must equal the folder name "acme"/,
    ],
    [
      'a capability mapped to a missing action',
      { actions: ['lookup'] },
      /capability "edr.find_host" maps to unknown action "find_host"/,
    ],
    [
      'an unknown capability',
      { manifest: { capabilities: { 'edr.isolate_hosts': 'find_host' } } },
      /unknown capability "edr.isolate_hosts"/,
    ],
    [
      'a read-only action for a mutating capability',
      { manifest: { capabilities: { 'edr.isolate_host': 'find_host' } } },
      /must be mutating/,
    ],
    ['an unknown category', { manifest: { category: 'antivirus' } }, /manifest.category must be one of/],
  ])('rejects %s, naming the folder', (_what, patch, message) => {
    writeIntegration(root, 'acme', patch);
    expect(() => discoverIntegrations([root])).toThrow(message);
    expect(() => discoverIntegrations([root])).toThrow(path.join(root, 'acme'));
  });

  it('rejects a folder without an index', () => {
    mkdirSync(path.join(root, 'empty'));
    expect(() => discoverIntegrations([root])).toThrow(/integration folder .*empty: cannot be loaded/);
  });

  it('rejects the same id in two folders', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'cordon-integrations-'));
    try {
      writeIntegration(root, 'acme');
      writeIntegration(other, 'acme');
      expect(() => discoverIntegrations([root, other])).toThrow(/duplicate integration id "acme"/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a folder that does not exist', () => {
    expect(() => discoverIntegrations([path.join(root, 'missing')])).toThrow(/integrations folder not found/);
  });
});
