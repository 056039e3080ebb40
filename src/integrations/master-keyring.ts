import { createHmac } from 'node:crypto';

/** Which setting a master key came from; `previous` keys only ever decrypt. */
export type MasterKeyRole = 'current' | 'previous';

export interface MasterKey {
  /** Fingerprint: names the key in stored data and in output without revealing it. */
  id: string;
  key: Buffer;
  role: MasterKeyRole;
  /** "CORDON_MASTER_KEY" or "CORDON_MASTER_KEY_PREVIOUS #2", for messages. */
  source: string;
}

/** 8 bytes of an HMAC under the key itself: stable, short, and useless for guessing the key. */
export const MASTER_KEY_ID_BYTES = 8;

export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key)
    .update('cordon/master-key-id/v1')
    .digest()
    .subarray(0, MASTER_KEY_ID_BYTES)
    .toString('hex');
}

/**
 * The master key that wraps new data keys (CORDON_MASTER_KEY) and the retired ones that still
 * unwrap old ones during a rotation (CORDON_MASTER_KEY_PREVIOUS).
 */
export class MasterKeyring {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error('a master key must be 32 bytes');
    }
    this.current = { id: masterKeyId(current), key: current, role: 'current', source: 'CORDON_MASTER_KEY' };
    const seen = new Set([this.current.id]);
    const older: MasterKey[] = [];
    previous.forEach((key, i) => {
      const id = masterKeyId(key);
      // The current key listed again among the previous ones changes nothing.
      if (seen.has(id)) return;
      seen.add(id);
      older.push({ id, key, role: 'previous', source: `CORDON_MASTER_KEY_PREVIOUS #${i + 1}` });
    });
    this.previous = older;
  }

  /** The current key first: what is tried first when the stored data does not say. */
  all(): MasterKey[] {
    return [this.current, ...this.previous];
  }

  byId(id: string): MasterKey | undefined {
    return this.all().find((k) => k.id === id);
  }

  /** "CORDON_MASTER_KEY 1a2b… , CORDON_MASTER_KEY_PREVIOUS #1 3c4d…": what is configured. */
  describe(): string {
    return this.all()
      .map((k) => `${k.source} ${k.id}`)
      .join(', ');
  }
}
