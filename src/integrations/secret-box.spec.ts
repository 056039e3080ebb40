import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips secrets bound to their row', () => {
    const sealed = box.encrypt({ clientSecret: 's3cret' }, 'conn-1');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('s3cret');
    expect(box.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1')).toEqual({ clientSecret: 's3cret' });
  });

  it('refuses ciphertext moved to another row', () => {
    const sealed = box.encrypt({ clientSecret: 's3cret' }, 'conn-1');
    expect(() => box.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-2')).toThrow();
  });

  it('refuses a different master key and survives rotation by re-wrapping', () => {
    const sealed = box.encrypt({ a: 'b' }, 'conn-1');
    const next = new SecretBox(randomBytes(32));
    expect(() => next.decrypt(sealed.ciphertext, sealed.wrappedKey, 'conn-1')).toThrow();
    const rewrapped = box.rewrap(sealed.wrappedKey, 'conn-1', next);
    expect(next.decrypt(sealed.ciphertext, rewrapped, 'conn-1')).toEqual({ a: 'b' });
  });
});
