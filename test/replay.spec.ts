import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../src/temporal/workflow-bundle';
import { EncryptionCodec } from '../src/temporal/codec/payload-codec';
import { PayloadKeyring } from '../src/temporal/codec/payload-keys';
import { cordonDataConverter } from '../src/temporal/codec/data-converter';
import { HISTORIES_DIR } from './support/histories';

/**
 * Replays recorded histories of real runs (approve, reject, failure with compensation) against
 * today's workflow bundle. A change to workflow code that would break runs in flight — a step
 * reordered, an activity added before an existing one without `patched()` — fails here.
 * Re-record on purpose with `CORDON_RECORD_HISTORIES=1 npm test` after a deliberate, versioned change,
 * keeping the old recording under another name (`*.pre-local-writes.json` are runs recorded before
 * the run wrote its own records as local activities, `*.pre-local-builtins.json` before built-in
 * actions ran as local activities: they still replay the regular-activity path;
 * `*.pre-local-vendor-calls.json` before a vendor call's first attempt ran as a local activity;
 * `*.pre-dispatcher-start.json` recorded their own start, which the dispatcher now records;
 * `*.pre-finish-with-last-step.json` recorded their end in a `finishRun` of its own, which the
 * last step's activity now writes).
 * The fixtures are stored decoded, and replay through the payload codec as Cordon's worker runs:
 * a history begun before payloads were encrypted must still go on.
 */
const files = fs.existsSync(HISTORIES_DIR)
  ? fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'))
  : [];

describe('replay of recorded run histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as unknown;
    const bundle = workflowBundlePath();
    if (!fs.existsSync(bundle))
      throw new Error(`${bundle} is missing: run npm run build first (npm test does)`);
    await Worker.runReplayHistory(
      {
        workflowBundle: { codePath: bundle },
        replayName: file,
        dataConverter: cordonDataConverter(new EncryptionCodec(new PayloadKeyring(randomBytes(32)))),
      },
      history,
      file.replace(/\.json$/, ''),
    );
  });
});
