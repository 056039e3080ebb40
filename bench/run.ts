import * as os from 'node:os';
import { approvalBench } from './approval.bench';
import { e2eBench } from './e2e.bench';
import { ingestBench } from './ingest.bench';
import { listBench } from './list.bench';
import { peerBench } from './peer.bench';
import { playbookBench } from './playbook.bench';

type Bench = { run: (args: { n: number }) => Promise<Record<string, unknown>>; defaultN: number };

/** `npm run bench -- <name> [--n N]`: runs one benchmark and prints one JSON line. */
const BENCHES: Record<string, Bench> = {
  ingest: { run: ingestBench, defaultN: 10_000 },
  list: { run: listBench, defaultN: 2_000 },
  // --n: runs left waiting on approvals while 200 more are decided and timed.
  approval: { run: approvalBench, defaultN: 1_000 },
  playbook: { run: playbookBench, defaultN: 200 },
  // --n: how many of the offered-load steps (2, 4, 8 … 64 alerts/s) to try at most.
  e2e: { run: e2eBench, defaultN: 6 },
  // --n: alerts through each of Cordon and n8n. A p99 of 300 was its third-slowest alert, and
  // which system came out ahead on it changed from run to run; of 1,000 it is the tenth.
  peer: { run: peerBench, defaultN: 1_000 },
};
/** `all`: the four the issues set targets for, one line each, each at its default size. */
const ALL = ['ingest', 'list', 'playbook', 'approval'];

async function runOne(name: string, n: number | undefined): Promise<void> {
  const bench = BENCHES[name];
  const started = Date.now();
  const result = await bench.run({ n: n ?? bench.defaultN });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  process.stdout.write(`${JSON.stringify({ ...result, seconds, machine: `${os.cpus().length} cores` })}\n`);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || !(name === 'all' || BENCHES[name])) {
    process.stderr.write(`usage: npm run bench -- <all|${Object.keys(BENCHES).join('|')}> [--n N]\n`);
    process.exit(2);
  }
  const nAt = rest.indexOf('--n');
  const n = nAt >= 0 ? Number(rest[nAt + 1]) : undefined;
  if (n !== undefined && (!Number.isInteger(n) || n < 1))
    throw new Error('--n must be a positive whole number');
  if (name !== 'all') return runOne(name, n);
  if (n !== undefined) throw new Error('--n applies to one benchmark, not to all');
  for (const each of ALL) await runOne(each, undefined);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
