import { createCipheriv, randomBytes } from 'node:crypto';
import { MasterKeyring, masterKeyId } from './master-keyring';
import { MasterKeyError, SecretBox } from './secret-box';

/** A data key wrapped the way SecretBox did before wrapped keys carried their master key's id. */
function legacyWrap(master: Buffer, dataKey: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  cipher.setAAD(Buffer.from(`dek:${aad}`, 'utf8'));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function legacyEncrypt(master: Buffer, secrets: Record<string, string>, aad: string) {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return {
    ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]),
    wrappedKey: legacyWrap(master, dataKey, aad),
  };
}

describe('SecretBox', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const box = new SecretBox(new MasterKeyring(oldKey));

  it('round-trips secrets bound to their row', () => {
    const sealed = box.encrypt({ clientSecret: 's3cret' }, 'conn-1');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('s3cret');
    expect(box.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1')).toEqual({ clientSecret: 's3cret' });
  });

  it('refuses ciphertext moved to another row', () => {
    const sealed = box.encrypt({ clientSecret: 's3cret' }, 'conn-1');
    expect(() => box.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-2')).toThrow();
  });

  it('records in the wrapped key which master key wrapped it', () => {
    const sealed = box.encrypt({ a: 'b' }, 'conn-1');
    expect(sealed.wrappedKey).toHaveLength(69);
    expect(sealed.wrappedKey.subarray(1, 9).toString('hex')).toBe(masterKeyId(oldKey));
    expect(box.inspect(sealed.wrappedKey, 'conn-1')).toEqual({
      key: expect.objectContaining({ id: masterKeyId(oldKey), role: 'current' }),
      legacy: false,
    });
  });

  it('opens with a previous key after rotation, and re-wraps under the current one', () => {
    const sealed = box.encrypt({ a: 'b' }, 'conn-1');
    const alone = new SecretBox(new MasterKeyring(newKey));
    expect(() => alone.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1')).toThrow(MasterKeyError);
    const rotating = new SecretBox(new MasterKeyring(newKey, [oldKey]));
    expect(rotating.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1')).toEqual({ a: 'b' });
    const rewrapped = rotating.rewrap(sealed.wrappedKey, 'conn-1');
    expect(rewrapped).not.toBeNull();
    expect(rotating.rewrap(rewrapped!, 'conn-1')).toBeNull();
    expect(alone.decrypt(sealed.ciphertext, rewrapped!, 'conn-1')).toEqual({ a: 'b' });
    expect(() => box.decrypt(sealed.ciphertext, rewrapped!, 'conn-1')).toThrow(MasterKeyError);
  });

  it('names the missing key and the configured ones when no key opens a data key', () => {
    const sealed = box.encrypt({ a: 'b' }, 'conn-1');
    const other = new SecretBox(new MasterKeyring(newKey));
    let failure: unknown;
    try {
      other.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1');
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(MasterKeyError);
    expect((failure as MasterKeyError).keyId).toBe(masterKeyId(oldKey));
    expect((failure as Error).message).toBe(
      `the data key is wrapped by master key ${masterKeyId(oldKey)}, which is neither CORDON_MASTER_KEY ` +
        `nor in CORDON_MASTER_KEY_PREVIOUS (configured: CORDON_MASTER_KEY ${masterKeyId(newKey)})`,
    );
    expect((failure as Error).message).not.toContain(oldKey.toString('base64'));
  });

  it('opens data keys stored before key ids by trying each key, and rotation adds the id', () => {
    const legacy = legacyEncrypt(oldKey, { a: 'b' }, 'conn-1');
    const rotating = new SecretBox(new MasterKeyring(newKey, [oldKey]));
    expect(rotating.decrypt(legacy.ciphertext, legacy.wrappedKey, 'conn-1')).toEqual({ a: 'b' });
    expect(rotating.inspect(legacy.wrappedKey, 'conn-1')).toEqual({
      key: expect.objectContaining({ id: masterKeyId(oldKey), role: 'previous' }),
      legacy: true,
    });
    // Under the current key but without an id: still rewritten, so every row names its key.
    const unrotated = new SecretBox(new MasterKeyring(oldKey));
    const withId = unrotated.rewrap(legacy.wrappedKey, 'conn-1');
    expect(withId).toHaveLength(69);
    expect(unrotated.decrypt(legacy.ciphertext, withId!, 'conn-1')).toEqual({ a: 'b' });
    expect(() => new SecretBox(new MasterKeyring(newKey)).inspect(legacy.wrappedKey, 'conn-1')).toThrow(
      /stored before key ids were recorded\) opens with none of the configured master keys/,
    );
  });

  it('refuses bytes that are no wrapped key, and keys that are not 32 bytes', () => {
    expect(() => box.decrypt(Buffer.alloc(40), Buffer.alloc(10), 'conn-1')).toThrow(/not a wrapped data key/);
    expect(() => new MasterKeyring(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new MasterKeyring(newKey, [randomBytes(31)])).toThrow(/32 bytes/);
  });

  it('lists the current key first and ignores it when repeated among the previous ones', () => {
    const ring = new MasterKeyring(newKey, [newKey, oldKey]);
    expect(ring.all().map((k) => [k.id, k.source])).toEqual([
      [masterKeyId(newKey), 'CORDON_MASTER_KEY'],
      [masterKeyId(oldKey), 'CORDON_MASTER_KEY_PREVIOUS #2'],
    ]);
  });
});
