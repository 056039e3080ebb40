import type { Payload } from '@temporalio/common';

/**
 * A payload (metadata and data) as one byte string, so that encryption hides the original
 * metadata too (its encoding names the type of what is inside). Layout: entry count, then per
 * metadata entry a length-prefixed key and value, then the data; lengths are 32-bit big-endian.
 */
export function framePayload(payload: Payload): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(payload.metadata ?? {});
  parts.push(u32(entries.length));
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    parts.push(u32(k.length), k, u32(value?.length ?? 0), Buffer.from(value ?? new Uint8Array()));
  }
  parts.push(Buffer.from(payload.data ?? new Uint8Array()));
  return Buffer.concat(parts);
}

export function unframePayload(bytes: Buffer): Payload {
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > bytes.length) throw new Error('the decrypted payload is truncated');
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const count = take(4).readUInt32BE(0);
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const key = take(take(4).readUInt32BE(0)).toString('utf8');
    metadata[key] = new Uint8Array(take(take(4).readUInt32BE(0)));
  }
  return { metadata, data: new Uint8Array(bytes.subarray(at)) };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
