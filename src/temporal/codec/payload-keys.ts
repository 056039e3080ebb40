import { createHash, hkdfSync } from 'node:crypto';
import type { AppConfig } from '../../config/config';
import { resolveMasterKeyring } from '../../integrations/master-key';

/**
 * The keys that seal Temporal payloads. Each is derived from a master key with HKDF under its
 * own info string, so the payload key never equals the key that wraps connection secrets or
 * signs approval links, and leaking one reveals nothing about the others.
 */
const PAYLOAD_KEY_INFO = 'cordon/temporal-payloads/v1';

export interface PayloadKey {
  /** Short fingerprint of the derived key, stored in each payload's metadata. */
  id: string;
  key: Buffer;
}

export function derivePayloadKey(masterKey: Buffer): PayloadKey {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), PAYLOAD_KEY_INFO, 32));
  // A hash of the derived key, not of the master key: the id names a key without helping guess one.
  const id = createHash('sha256').update('cordon/payload-key-id').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

/** Seals with the current key; opens with the current key or any earlier one. */
export class PayloadKeyring {
  readonly current: PayloadKey;
  private readonly byId = new Map<string, PayloadKey>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.current = derivePayloadKey(current);
    for (const k of [this.current, ...previous.map(derivePayloadKey)])
      if (!this.byId.has(k.id)) this.byId.set(k.id, k);
  }

  find(id: string): PayloadKey | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }
}

/** The keyring this server uses: CORDON_MASTER_KEY (or embedded mode's own) plus CORDON_MASTER_KEY_PREVIOUS. */
export function payloadKeyring(config: AppConfig): PayloadKeyring {
  const [current, ...previous] = resolveMasterKeyring(config)
    .all()
    .map((k) => k.key);
  return new PayloadKeyring(current, previous);
}
