import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultIntegrationDirs, discoverIntegrations, loadIntegration } from './integration-registry';
import { ConformanceHarness } from './kit/conformance/harness';
import { scenariosFor } from './kit/conformance/scenarios';

interface Io {
  out(line: string): void;
  err(line: string): void;
}
interface ScaffoldScript {
  main(argv: string[], io: Io): Promise<number>;
  EXAMPLES: Record<string, unknown>;
  DEFAULT_CAPABILITY: string;
}

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/integration-new.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, run without a build
const script = require(SCRIPT) as ScaffoldScript;

/**
 * `npm run integration:new` end to end: the CLI writes one folder per example capability into an
 * INTEGRATIONS_PATH-style folder outside the tree; each must typecheck with the project's compiler
 * settings, pass its own spec and the conformance scenarios, and be discovered.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'cordon-integration-new-'));
const scaffolds = Object.keys(script.EXAMPLES).map((capability) => ({
  capability,
  id: `acme-${capability.replace(/[._]/g, '-')}`,
}));
for (const { id, capability } of scaffolds) {
  // The default capability is scaffolded without the flag, as an integrator would.
  const flags = capability === script.DEFAULT_CAPABILITY ? [] : ['--capability', capability];
  execFileSync(process.execPath, [SCRIPT, id, ...flags, '--dir', dir], { cwd: ROOT, encoding: 'utf8' });
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run integration:new', () => {
  it('writes the whole folder and nothing into integrations/', () => {
    for (const { id } of scaffolds) {
      for (const file of ['manifest.ts', 'index.ts', 'health-check.ts', `${id}.client.ts`, `${id}.spec.ts`])
        expect(existsSync(path.join(dir, id, file))).toBe(true);
      expect(existsSync(path.join(dir, id, 'README.md'))).toBe(true);
      expect(existsSync(path.join(ROOT, 'integrations', id))).toBe(false);
    }
  });

  it('typechecks with the project’s compiler settings', () => {
    const tsconfig = path.join(dir, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: {
          noEmit: true,
          incremental: false,
          rootDir: path.parse(dir).root,
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        include: [path.join(dir, '**/*.ts')],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8' })).not.toThrow();
  });

  it('is discovered alongside the shipped integrations', () => {
    const found = discoverIntegrations(defaultIntegrationDirs([dir]));
    for (const { id, capability } of scaffolds) {
      const definition = found.find((d) => d.manifest.id === id);
      expect(Object.keys(definition?.manifest.capabilities ?? {})).toEqual([capability]);
    }
    expect(found.map((d) => d.manifest.id)).toContain('crowdstrike-falcon');
  });

  describe.each(scaffolds.map((s) => [s.id, s] as const))('%s', (id, { capability }) => {
    // Its own spec, registered here as the folder wrote it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs the generated spec in place
    require(path.join(dir, id, `${id}.spec.ts`));

    describe(`${capability} conformance`, () => {
      let h: ConformanceHarness;
      beforeEach(async () => {
        h = new ConformanceHarness(loadIntegration(path.join(dir, id)));
        await h.start();
      });
      afterEach(() => h.stop());

      it.each(scenariosFor(capability).map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
        await scenario.run(h);
      });
    });
  });

  describe('refuses, saying why', () => {
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await script.main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    };

    it.each([
      ['no id', [], /which integration\?/],
      ['a bad id', ['Acme_EDR'], /"Acme_EDR" is not a valid id/],
      ['an existing folder', [scaffolds[0].id, '--dir', dir], /already exists; choose another id/],
      ['a shipped id elsewhere', ['crowdstrike-falcon', '--dir', dir], /already a shipped integration/],
      ['an unknown capability', ['acme-x', '--capability', 'edr.teleport', '--dir', dir], /no example for/],
      ['a flag without its value', ['acme-x', '--dir'], /--dir needs a value/],
    ])('%s', async (_what, argv, message) => {
      const { code, err } = await run(argv);
      expect(code).toBe(2);
      expect(err[0]).toMatch(message);
      expect(err.at(-1)).toMatch(/^usage: npm run integration:new/);
      expect(existsSync(path.join(dir, 'acme-x'))).toBe(false);
    });

    it('refuses the shipped folder itself', async () => {
      const { code, err } = await run(['crowdstrike-falcon']);
      expect(code).toBe(2);
      expect(err[0]).toMatch(/integrations\/crowdstrike-falcon already exists/);
    });
  });
});
