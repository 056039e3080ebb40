import * as os from 'node:os';
import { ingestBench } from './ingest.bench';

/** `npm run bench -- <name> [--n N]`: runs one benchmark and prints one JSON line. */
const BENCHES: Record<string, (args: { n: number }) => Promise<Record<string, unknown>>> = {
  ingest: ingestBench,
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--n N]\n`);
    process.exit(2);
  }
  const nAt = rest.indexOf('--n');
  const n = nAt >= 0 ? Number(rest[nAt + 1]) : 10_000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive whole number');
  const result = await bench({ n });
  process.stdout.write(`${JSON.stringify({ ...result, machine: `${os.cpus().length} cores` })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
