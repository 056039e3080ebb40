import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MASTER_KEY_ID_BYTES, type MasterKey, type MasterKeyring } from './master-keyring';

/**
 * Envelope encryption for connection secrets: each connection has its own random data key that
 * encrypts its secrets (AES-256-GCM); the data key is stored wrapped by the master key. Rotating
 * the master key re-wraps data keys and never touches the secrets themselves.
 *
 * A wrapped data key is `0x01 ‖ master key id (8) ‖ iv ‖ tag ‖ sealed key` (as Tink prefixes its
 * key id), so each row says which master key opens it and the id can never disagree with the
 * key it describes. Keys wrapped before ids were recorded are the bare 60 bytes
 * `iv ‖ tag ‖ sealed key`: they are opened by trying each configured key.
 */
const IV = 12;
const TAG = 16;
const DATA_KEY = 32;
const LEGACY_LENGTH = IV + TAG + DATA_KEY;
const V1 = 0x01;
const V1_LENGTH = 1 + MASTER_KEY_ID_BYTES + LEGACY_LENGTH;

/** A wrapped data key that no configured master key opens. */
export class MasterKeyError extends Error {
  constructor(
    message: string,
    /** The id of the key that wrapped it; null for the legacy format, which does not say. */
    readonly keyId: string | null,
  ) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** Which master key wrapped a data key, and whether it is stored in the current format. */
export interface WrappedKeyInfo {
  key: MasterKey;
  /** True when the stored bytes do not name their key (wrapped before key ids were recorded). */
  legacy: boolean;
}

function seal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const iv = sealed.subarray(0, IV);
  const tag = sealed.subarray(IV, IV + TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
}

function parseWrapped(wrapped: Buffer): { keyId: string | null; sealed: Buffer } {
  if (wrapped.length === V1_LENGTH && wrapped[0] === V1) {
    return {
      keyId: wrapped.subarray(1, 1 + MASTER_KEY_ID_BYTES).toString('hex'),
      sealed: wrapped.subarray(1 + MASTER_KEY_ID_BYTES),
    };
  }
  if (wrapped.length === LEGACY_LENGTH) return { keyId: null, sealed: wrapped };
  throw new Error(`not a wrapped data key (${wrapped.length} bytes, expected ${V1_LENGTH})`);
}

export class SecretBox {
  constructor(private readonly keys: MasterKeyring) {}

  /** The id of the key new data keys are wrapped with. */
  get currentKeyId(): string {
    return this.keys.current.id;
  }

  /** `aad` binds the ciphertext to its row (the connection id): it cannot be pasted onto another. */
  encrypt(secrets: Record<string, string>, aad: string): { ciphertext: Buffer; wrappedKey: Buffer } {
    const dataKey = randomBytes(DATA_KEY);
    try {
      return {
        ciphertext: seal(dataKey, Buffer.from(JSON.stringify(secrets), 'utf8'), aad),
        wrappedKey: this.wrap(dataKey, aad),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(ciphertext: Buffer, wrappedKey: Buffer, aad: string): Record<string, string> {
    const { dataKey } = this.unwrap(wrappedKey, aad);
    try {
      return JSON.parse(open(dataKey, ciphertext, aad).toString('utf8')) as Record<string, string>;
    } finally {
      dataKey.fill(0);
    }
  }

  /** Which configured key opens a wrapped data key; throws MasterKeyError when none does. */
  inspect(wrappedKey: Buffer, aad: string): WrappedKeyInfo {
    const { dataKey, key, legacy } = this.unwrap(wrappedKey, aad);
    dataKey.fill(0);
    return { key, legacy };
  }

  /**
   * Re-wraps a data key under the current master key (key rotation): null when it already is,
   * in the current format. Throws MasterKeyError when no configured key opens it.
   */
  rewrap(wrappedKey: Buffer, aad: string): Buffer | null {
    const { dataKey, key, legacy } = this.unwrap(wrappedKey, aad);
    try {
      return key.role === 'current' && !legacy ? null : this.wrap(dataKey, aad);
    } finally {
      dataKey.fill(0);
    }
  }

  private wrap(dataKey: Buffer, aad: string): Buffer {
    const { id, key } = this.keys.current;
    return Buffer.concat([Buffer.from([V1]), Buffer.from(id, 'hex'), seal(key, dataKey, `dek:${aad}`)]);
  }

  private unwrap(wrapped: Buffer, aad: string): { dataKey: Buffer; key: MasterKey; legacy: boolean } {
    const { keyId, sealed } = parseWrapped(wrapped);
    if (keyId !== null) {
      const key = this.keys.byId(keyId);
      if (!key) {
        throw new MasterKeyError(
          `the data key is wrapped by master key ${keyId}, which is neither CORDON_MASTER_KEY nor in ` +
            `CORDON_MASTER_KEY_PREVIOUS (configured: ${this.keys.describe()})`,
          keyId,
        );
      }
      return { dataKey: open(key.key, sealed, `dek:${aad}`), key, legacy: false };
    }
    for (const key of this.keys.all()) {
      try {
        return { dataKey: open(key.key, sealed, `dek:${aad}`), key, legacy: true };
      } catch {
        // GCM authentication failed: not this key, try the next.
      }
    }
    throw new MasterKeyError(
      `the data key (stored before key ids were recorded) opens with none of the configured master ` +
        `keys (${this.keys.describe()}): add the key that wrapped it to CORDON_MASTER_KEY_PREVIOUS`,
      null,
    );
  }
}
