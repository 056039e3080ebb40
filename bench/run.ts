import * as os from 'node:os';
import { approvalBench } from './approval.bench';
import { ingestBench } from './ingest.bench';
import { listBench } from './list.bench';
import { playbookBench } from './playbook.bench';

/** `npm run bench -- <name> [--n N]`: runs one benchmark and prints one JSON line. */
const BENCHES: Record<
  string,
  { run: (args: { n: number }) => Promise<Record<string, unknown>>; defaultN: number }
> = {
  ingest: { run: ingestBench, defaultN: 10_000 },
  list: { run: listBench, defaultN: 2_000 },
  // --n: runs left waiting on approvals while 200 more are decided and timed.
  approval: { run: approvalBench, defaultN: 1_000 },
  playbook: { run: playbookBench, defaultN: 200 },
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--n N]\n`);
    process.exit(2);
  }
  const nAt = rest.indexOf('--n');
  const n = nAt >= 0 ? Number(rest[nAt + 1]) : bench.defaultN;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive whole number');
  const result = await bench.run({ n });
  process.stdout.write(`${JSON.stringify({ ...result, machine: `${os.cpus().length} cores` })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
