import * as path from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Loaded by path (the workflow bundle includes it); resolves to .ts under Jest and .js in dist. */
export const FAILURE_CONVERTER_PATH = path.resolve(__dirname, 'failure-converter');

/**
 * What every Cordon client, worker and workflow bundle uses, so that what one writes the others
 * read: payloads sealed by the codec, error messages and stacks moved into sealed payloads.
 */
export function cordonDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
