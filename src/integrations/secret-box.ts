import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for connection secrets: each connection has its own random data key that
 * encrypts its secrets (AES-256-GCM); the data key is stored wrapped by the master key. Rotating
 * the master key re-wraps data keys and never touches the secrets themselves.
 */
const IV = 12;
const TAG = 16;

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

export class SecretBox {
  private readonly masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.masterKey = masterKey;
  }

  /** `aad` binds the ciphertext to its row (the connection id): it cannot be pasted onto another. */
  encrypt(secrets: Record<string, string>, aad: string): { ciphertext: Buffer; wrappedKey: Buffer } {
    const dataKey = randomBytes(32);
    try {
      return {
        ciphertext: seal(dataKey, Buffer.from(JSON.stringify(secrets), 'utf8'), aad),
        wrappedKey: seal(this.masterKey, dataKey, `dek:${aad}`),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(ciphertext: Buffer, wrappedKey: Buffer, aad: string): Record<string, string> {
    const dataKey = open(this.masterKey, wrappedKey, `dek:${aad}`);
    try {
      return JSON.parse(open(dataKey, ciphertext, aad).toString('utf8')) as Record<string, string>;
    } finally {
      dataKey.fill(0);
    }
  }

  /** Re-wraps a data key under a new master key (key rotation). */
  rewrap(wrappedKey: Buffer, aad: string, next: SecretBox): Buffer {
    const dataKey = open(this.masterKey, wrappedKey, `dek:${aad}`);
    try {
      return seal(next.masterKey, dataKey, `dek:${aad}`);
    } finally {
      dataKey.fill(0);
    }
  }
}
