import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultIntegrationDirs, discoverIntegrations } from './integration-registry';

interface Row {
  id: string;
  product: string;
  category: string;
  capabilities: string[];
}

/** The rows between the table markers of integrations/README.md. */
function readmeTable(): Row[] {
  const text = readFileSync(path.resolve(__dirname, '../../integrations/README.md'), 'utf8');
  const table = /<!-- integrations-table:start -->([\s\S]*?)<!-- integrations-table:end -->/.exec(text)?.[1];
  if (!table) throw new Error('integrations/README.md has no integrations-table markers');
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [id, product, category, capabilities] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        id: id.replace(/`/g, ''),
        product,
        category,
        capabilities: [...capabilities.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      };
    });
}

describe('integrations/README.md', () => {
  const rows = readmeTable();
  const manifests = discoverIntegrations(defaultIntegrationDirs()).map((d) => d.manifest);

  it('lists every shipped integration once, and no other', () => {
    expect(rows.map((r) => r.id)).toEqual(manifests.map((m) => m.id).sort());
  });

  it.each(manifests.map((m) => [m.id, m] as const))(
    '%s: category, product and capabilities match the manifest',
    (id, manifest) => {
      const row = rows.find((r) => r.id === id);
      expect(row?.category).toBe(manifest.category);
      expect(row?.product.toLowerCase()).toContain(manifest.product.toLowerCase());
      expect(row?.capabilities).toEqual(Object.keys(manifest.capabilities));
    },
  );
});
