import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../config/paths';
import { loadIntegration } from '../integrations/integration-registry';
import { runCordonCli } from './cordon-cli';
import { runPlaybookValidate, type ValidateDeps } from './playbook-validate.command';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};
const playbook = (id: string, ...steps: string[]) =>
  [
    `id: ${id}`,
    `name: ${id}`,
    'trigger: { event: manual }',
    'steps:',
    ...(steps.length ? steps : ['  - { id: a, action: edr.find_host }']),
  ].join('\n');

describe('cordon playbook validate', () => {
  let dir: string;
  let library: string;
  let deps: ValidateDeps;
  const file = (name: string, text: string) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, text);
    return full;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-cli-'));
    library = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-library-'));
    fs.writeFileSync(path.join(library, 'enrich.yaml'), playbook('enrich-host'));
    const falcon = loadIntegration(path.join(projectRoot(), 'integrations', 'crowdstrike-falcon'));
    deps = { integrations: () => [falcon], libraryDir: library, readFile: (f) => fs.readFileSync(f, 'utf8') };
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(library, { recursive: true, force: true });
  });

  it('exits 0 and says ok for valid playbooks, vendor actions and library children included', async () => {
    const a = file(
      'ok.yaml',
      playbook(
        'ok',
        '  - { id: a, action: crowdstrike-falcon.contain_host }',
        '  - { id: b, playbook: enrich-host }',
      ),
    );
    const t = capture();
    expect(await runPlaybookValidate([a], t.io, deps)).toBe(0);
    expect(t.out).toEqual([
      expect.stringMatching(new RegExp(`^${a}: ok \\(ok, sha256 [0-9a-f]{12}\\)$`)),
      '1 playbook file(s) valid',
    ]);
    expect(t.err).toEqual([]);
  });

  it('exits 1 with file:line: message for each problem', async () => {
    const bad = file(
      'bad.yaml',
      playbook(
        'bad',
        '  - id: a',
        '    action: edr.isolate',
        '    timeout: soon',
        '  - { id: b, playbook: nowhere }',
      ),
    );
    const t = capture();
    expect(await runPlaybookValidate([bad], t.io, deps)).toBe(1);
    expect(t.out).toEqual([
      `${bad}:6: step "a": action: unknown action "edr.isolate": not a capability, a built-in or an installed integration's action (known edr actions: edr.find_host, edr.isolate_host, edr.kill_process, edr.quarantine_file, edr.release_host)`,
      `${bad}:7: step "a": timeout: must be a duration such as 30s, 15m, 4h or 1d (ms, s, m, h, d); got "soon"`,
      `${bad}:8: step "b": playbook: unknown playbook "nowhere" (known: bad, enrich-host)`,
      '1 of 1 playbook file(s) invalid, 3 problem(s)',
    ]);
  });

  it('finds child-playbook cycles across the files given, naming the chain', async () => {
    const a = file('a.yaml', playbook('alpha', '  - id: call-beta', '    playbook: beta'));
    const b = file(
      'b.yaml',
      playbook('beta', '  - { id: x, action: edr.find_host }', '  - id: call-alpha', '    playbook: alpha'),
    );
    const t = capture();
    expect(await runPlaybookValidate([a, b], t.io, deps)).toBe(1);
    expect(t.out).toEqual([
      `${a}:6: step "call-beta": playbook: child playbooks form a cycle alpha → beta → alpha: each run would start the next for ever; remove one of these playbook steps`,
      `${b}:7: step "call-alpha": playbook: child playbooks form a cycle alpha → beta → alpha: each run would start the next for ever; remove one of these playbook steps`,
      '2 of 2 playbook file(s) invalid, 2 problem(s)',
    ]);
  });

  it('refuses two files with the same id and names files it cannot read', async () => {
    const one = file('one.yaml', playbook('same'));
    const two = file('two.yaml', playbook('same'));
    const missing = path.join(dir, 'missing.yaml');
    const t = capture();
    expect(await runPlaybookValidate([one, two, missing], t.io, deps)).toBe(1);
    expect(t.out).toEqual([
      expect.stringMatching(/one\.yaml: ok/),
      `${two}:1: id "same" is also the id of ${one}; each playbook needs its own id`,
      `${missing}:1: cannot read the file (ENOENT)`,
      '2 of 3 playbook file(s) invalid, 2 problem(s)',
    ]);
  });

  it('exits 2 with usage for bad arguments, and when the integrations cannot be loaded', async () => {
    for (const argv of [[], ['--nope', 'x.yaml'], ['x.yaml', '--integrations']]) {
      const t = capture();
      expect(await runPlaybookValidate(argv, t.io, deps)).toBe(2);
      expect(t.err.at(-1)).toMatch(/^usage: cordon playbook validate/);
    }
    const t = capture();
    const broken = {
      ...deps,
      integrations: () => {
        throw new Error('integration folder x: has no manifest');
      },
    };
    expect(await runPlaybookValidate([file('fine.yaml', playbook('fine'))], t.io, broken)).toBe(2);
    expect(t.err).toEqual(['cannot load integrations: integration folder x: has no manifest']);
  });

  it('checks the shipped playbooks with the installed integrations (the defaults)', async () => {
    const shipped = path.join(projectRoot(), 'playbooks');
    const files = fs
      .readdirSync(shipped)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(shipped, f));
    const t = capture();
    expect(await runCordonCli(['playbook', 'validate', ...files], t.io)).toBe(0);
    expect(t.out.at(-1)).toBe(`${files.length} playbook file(s) valid`);
  });

  it('routes commands and explains itself', async () => {
    const none = capture();
    expect(await runCordonCli([], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('playbook validate <file.yaml>');
    const unknown = capture();
    expect(await runCordonCli(['playbook', 'lint'], unknown.io)).toBe(2);
    expect(unknown.err[0]).toBe('unknown command "playbook lint"');
    const help = capture();
    expect(await runCordonCli(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('usage: cordon <command>');
    expect(help.out.join('\n')).toContain('keys status | keys rotate [--tenant ID]...');
  });

  it('has a bin shim that asks for a build when dist/ is missing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bin-'));
    try {
      fs.mkdirSync(path.join(root, 'bin'));
      fs.copyFileSync(path.join(projectRoot(), 'bin', 'cordon.js'), path.join(root, 'bin', 'cordon.js'));
      const run = spawnSync(
        process.execPath,
        [path.join(root, 'bin', 'cordon.js'), 'playbook', 'validate', 'x.yaml'],
        {
          encoding: 'utf8',
          cwd: root,
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('run npm run build first');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
