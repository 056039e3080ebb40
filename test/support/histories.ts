import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type CordonProcess, temporalCli } from './cordon-process';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * A run's Temporal history as the CLI prints it (`workflow show --output json`). With `codec`,
 * the CLI decodes payloads through Cordon's codec endpoint; without it they stay as stored
 * (encrypted).
 */
export async function workflowHistoryJson(
  workflowId: string,
  address: string | null,
  codec?: { url: string; auth: string },
): Promise<string> {
  if (!address) throw new Error('the Cordon process did not say which Temporal it uses');
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--output', 'json'];
  if (codec) args.push('--codec-endpoint', codec.url, '--codec-auth', codec.auth);
  const { stdout } = await promisify(execFile)(await temporalCli(), args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Cordon's codec endpoint, as the Temporal CLI's --codec-endpoint takes it. */
export function codecEndpoint(
  cordon: Pick<CordonProcess, 'url'>,
  apiKey: string,
): { url: string; auth: string } {
  return { url: `${cordon.url}/temporal/codec`, auth: `Bearer ${apiKey}` };
}

/**
 * With CORDON_RECORD_HISTORIES=1, saves a finished run's Temporal history as a replay fixture
 * (`test/replay.spec.ts` replays every fixture against today's workflow code). Without it, does
 * nothing: fixtures change only when someone means to re-record them. The history is the
 * CLI's `workflow show --output json`, the JSON form the SDK's replayer reads, decoded through
 * the codec endpoint (an admin key of the run's tenant): a fixture must not depend on the
 * throwaway master key of the test's server.
 */
export async function recordHistory(
  name: string,
  workflowId: string,
  cordon: Pick<CordonProcess, 'url' | 'temporalAddress'>,
  adminKey: string,
): Promise<void> {
  if (process.env.CORDON_RECORD_HISTORIES !== '1') return;
  const stdout = await workflowHistoryJson(
    workflowId,
    cordon.temporalAddress(),
    codecEndpoint(cordon, adminKey),
  );
  JSON.parse(stdout); // refuse to write anything that is not a history
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), stdout.endsWith('\n') ? stdout : `${stdout}\n`);
}

export interface FoundPayload {
  encoding: string | undefined;
  /** Data and metadata, base64-decoded, for searching. */
  text: string;
  /** As the codec protocol carries it. */
  wire: { metadata: Record<string, string>; data?: string };
}

/** Every payload in a history (protobuf JSON: bytes are base64), decoded for searching. */
export function payloadsIn(node: unknown, out: FoundPayload[] = []): FoundPayload[] {
  if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (
      o.metadata &&
      typeof o.metadata === 'object' &&
      (o.data === undefined || typeof o.data === 'string')
    ) {
      const metadata = o.metadata as Record<string, string>;
      const b64 = (v: string | undefined) => Buffer.from(v ?? '', 'base64').toString('utf8');
      out.push({
        encoding: metadata.encoding === undefined ? undefined : b64(metadata.encoding),
        text: [...Object.values(metadata).map(b64), b64(o.data)].join('\n'),
        wire: { metadata, ...(typeof o.data === 'string' ? { data: o.data } : {}) },
      });
    } else Object.values(o).forEach((v) => payloadsIn(v, out));
  }
  return out;
}
