import { allowListed, destinationsOf, type OutboundPolicy, refusedDestination } from './outbound-policy';

const strict: OutboundPolicy = { allowPrivate: false, allowlist: [] };
const lenient: OutboundPolicy = { allowPrivate: true, allowlist: [] };
const resolver = (map: Record<string, string[]>) => async (host: string) => {
  if (!(host in map)) throw new Error('ENOTFOUND');
  return map[host];
};
const dns = resolver({
  'api.crowdstrike.com': ['34.210.10.1'],
  'rebind.example.net': ['203.0.113.9', '169.254.169.254'],
  'intranet.corp.example': ['10.20.0.5'],
});

describe('outbound policy for connection destinations', () => {
  it('lets public hosts through', async () => {
    expect(await refusedDestination('https://api.crowdstrike.com', strict, dns)).toBeNull();
    expect(await refusedDestination('https://8.8.8.8/x', strict, dns)).toBeNull();
  });

  it.each([
    ['http://127.0.0.1:4010', /loopback/],
    ['http://localhost:8080', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://169.254.1.1', /link-local/],
    ['http://[fe80::1]', /link-local/],
    ['http://10.1.2.3', /private/],
    ['http://192.168.0.10', /private/],
    ['http://0.0.0.0:80', /unspecified/],
    ['https://intranet.corp.example', /resolves to 10\.20\.0\.5 is a private/],
  ])('refuses %s by default', async (url, why) => {
    expect(await refusedDestination(url, strict, dns)).toMatch(why);
  });

  it('always refuses cloud metadata, even when private addresses are allowed', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      'http://rebind.example.net/',
    ])
      expect(await refusedDestination(url, lenient, dns)).toMatch(/metadata/);
  });

  it('allows internal addresses when the setting says so (local fakes, tests)', async () => {
    expect(await refusedDestination('http://127.0.0.1:4010', lenient, dns)).toBeNull();
    expect(await refusedDestination('http://localhost:4010', lenient, dns)).toBeNull();
  });

  it('with an allow-list, reaches only listed hosts, which may be internal', async () => {
    const policy: OutboundPolicy = { allowPrivate: false, allowlist: ['*.crowdstrike.com', '10.20.0.0/16'] };
    expect(await refusedDestination('https://api.crowdstrike.com', policy, dns)).toBeNull();
    expect(await refusedDestination('https://10.20.3.4', policy, dns)).toBeNull();
    expect(await refusedDestination('https://evil.example.com', policy, dns)).toMatch(
      /not in CORDON_CONNECTION_ALLOWLIST/,
    );
    expect(await refusedDestination('https://crowdstrike.com', policy, dns)).toMatch(/not in/);
    expect(
      await refusedDestination('http://169.254.169.254', { ...policy, allowlist: ['169.254.0.0/16'] }, dns),
    ).toMatch(/metadata/);
  });

  it('checks bare hosts (SMTP) as well as URLs', async () => {
    expect(await refusedDestination('127.0.0.1', strict, dns)).toMatch(/loopback/);
    expect(
      await refusedDestination(
        'smtp.office365.com',
        strict,
        resolver({ 'smtp.office365.com': ['52.96.1.1'] }),
      ),
    ).toBeNull();
  });

  it('matches allow-list entries exactly, by wildcard or by network', () => {
    expect(allowListed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(allowListed('example.com', ['*.example.com'])).toBe(false);
    expect(allowListed('badexample.com', ['*.example.com'])).toBe(false);
    expect(allowListed('10.0.0.1', ['10.0.0.0/8'])).toBe(true);
    expect(allowListed('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
  });

  it('finds the destinations among settings and secrets', () => {
    expect(
      destinationsOf(
        { baseUrl: 'https://a', loginUrl: 'https://b', host: 'smtp.x', port: 25, vdom: 'root' },
        'settings',
      ),
    ).toEqual([
      { field: 'settings.baseUrl', target: 'https://a' },
      { field: 'settings.loginUrl', target: 'https://b' },
      { field: 'settings.host', target: 'smtp.x' },
    ]);
  });
});
