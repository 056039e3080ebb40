import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { temporalCli } from './cordon-process';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With CORDON_RECORD_HISTORIES=1, saves a finished run's Temporal history as a replay fixture
 * (`test/replay.spec.ts` replays every fixture against today's workflow code). Without it, does
 * nothing: fixtures change only when someone means to re-record them. The history is the
 * CLI's `workflow show --output json`, the JSON form the SDK's replayer reads.
 */
export async function recordHistory(name: string, workflowId: string, address: string | null): Promise<void> {
  if (process.env.CORDON_RECORD_HISTORIES !== '1') return;
  if (!address) throw new Error('recordHistory: the Cordon process did not say which Temporal it uses');
  const { stdout } = await promisify(execFile)(
    await temporalCli(),
    ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  JSON.parse(stdout); // refuse to write anything that is not a history
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), stdout.endsWith('\n') ? stdout : `${stdout}\n`);
}
