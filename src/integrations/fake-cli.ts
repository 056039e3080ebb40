import { defaultIntegrationDirs, discoverIntegrations } from './integration-registry';
import type { FakeVendorServer } from './kit/integration.types';

export interface FakeCliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: fake-cli <integration-id> [--port N] [--integrations DIR]...';

/**
 * Starts one integration's fake vendor API: `node dist/src/integrations/fake-cli.js crowdstrike-falcon
 * --port 9100`. Resolves with the running server, or with an exit code when it could not start.
 */
export async function runFakeCli(
  argv: string[],
  io: FakeCliIo,
): Promise<{ code: 0; server: FakeVendorServer } | { code: 2; server?: undefined }> {
  let id: string | undefined;
  let port = 0;
  const extraDirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' || arg === '--integrations') {
      const value = argv[++i];
      if (value === undefined) return usage(io, `${arg} needs a value`);
      if (arg === '--integrations') extraDirs.push(value);
      else if (/^\d+$/.test(value) && Number(value) <= 65535) port = Number(value);
      else return usage(io, `--port must be a number from 0 to 65535, got "${value}"`);
    } else if (arg.startsWith('-') || id !== undefined) {
      return usage(io, `unexpected argument "${arg}"`);
    } else {
      id = arg;
    }
  }
  if (!id) return usage(io, 'which integration?');

  const definitions = discoverIntegrations(defaultIntegrationDirs(extraDirs));
  const definition = definitions.find((d) => d.manifest.id === id);
  if (!definition) {
    io.err(
      `unknown integration "${id}"; known: ${definitions.map((d) => d.manifest.id).join(', ') || 'none'}`,
    );
    return { code: 2 };
  }
  const server = definition.createFake();
  const url = await server.start(port);
  io.out(`${id} fake listening on ${url}`);
  io.out(`recorded calls: ${url}/__calls (DELETE to reset; POST ${url}/__faults to inject faults)`);
  return { code: 0, server };
}

function usage(io: FakeCliIo, problem: string): { code: 2 } {
  io.err(problem);
  io.err(USAGE);
  return { code: 2 };
}

if (require.main === module) {
  const io: FakeCliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  };
  runFakeCli(process.argv.slice(2), io).then(
    ({ code, server }) => {
      if (!server) process.exit(code);
      const shutdown = () => void server.stop().finally(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (err: unknown) => {
      io.err(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
