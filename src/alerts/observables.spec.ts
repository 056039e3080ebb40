import { dedupeObservables, hashAlgorithm, normaliseObservable } from './observables';

describe('normaliseObservable', () => {
  it.each([
    ['DOMAIN', 'Evil[.]Example.COM.', 'evil.example.com'],
    ['HOSTNAME', ' WS-01 ', 'WS-01'],
    ['IP', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['IP', '203.0.113[.]7', '203.0.113.7'],
    ['URL', 'hxxps://bad[.]example/x', 'https://bad.example/x'],
    ['FILE_HASH', 'ABCDEF0123456789ABCDEF0123456789', 'abcdef0123456789abcdef0123456789'],
    ['USER', 'CORP\\Alice', 'CORP\\Alice'],
  ] as const)('%s %s → %s', (type, raw, expected) => {
    expect(normaliseObservable(type, raw)).toBe(expected);
  });

  it('tells a hash algorithm by length', () => {
    expect(hashAlgorithm('d41d8cd98f00b204e9800998ecf8427e')).toBe('MD5');
    expect(hashAlgorithm('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe('SHA1');
    expect(hashAlgorithm('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe('SHA256');
    expect(hashAlgorithm('not-a-hash')).toBeNull();
  });

  it('drops repeats after normalisation', () => {
    const items = [
      { type: 'IP' as const, value: '203.0.113.7' },
      { type: 'IP' as const, value: '203.0.113.7' },
      { type: 'DOMAIN' as const, value: '203.0.113.7' },
    ];
    expect(dedupeObservables(items)).toHaveLength(2);
  });
});
