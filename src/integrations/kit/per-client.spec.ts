import { HttpClient } from './http-client';
import { perClientCache, secretDigest } from './per-client';

describe('perClientCache', () => {
  it('creates a value once per client and key, and keeps caches apart', () => {
    const cache = perClientCache<{ n: number }>();
    const other = perClientCache<{ n: number }>();
    let n = 0;
    const create = () => ({ n: ++n });
    const a = new HttpClient({ vendor: 'V', baseUrl: 'http://a.test' });
    const b = new HttpClient({ vendor: 'V', baseUrl: 'http://a.test' });
    const first = cache(a, 'k', create);
    expect(cache(a, 'k', create)).toBe(first);
    expect(cache(a, 'k2', create)).not.toBe(first);
    // A new platform client (a changed connection) starts afresh, and so does another cache.
    expect(cache(b, 'k', create)).not.toBe(first);
    expect(other(a, 'k', create)).not.toBe(first);
    expect(n).toBe(4);
  });
});

describe('secretDigest', () => {
  it('is short, stable, and does not contain the secret', () => {
    expect(secretDigest('s3cret')).toMatch(/^[0-9a-f]{16}$/);
    expect(secretDigest('s3cret')).toBe(secretDigest('s3cret'));
    expect(secretDigest('s3cret')).not.toBe(secretDigest('s3cret2'));
  });
});
