import { createFortiGateFake, FORTIGATE_FAKE_API_TOKEN, type FortiGateFake } from './fortigate.fake';

interface Envelope {
  http_method: string;
  status: string;
  http_status: number;
  error?: number;
  mkey?: string;
  revision?: string;
  revision_changed?: boolean;
  vdom?: string;
  results?: any;
  size?: number;
}

/** Raw HTTP against the fake: FortiOS's envelope and error numbers, independent of the adapter. */
describe('FortiGate fake', () => {
  let fake: FortiGateFake;

  beforeEach(async () => {
    fake = createFortiGateFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = FORTIGATE_FAKE_API_TOKEN,
  ) {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope };
  }
  const ADDR = '/api/v2/cmdb/firewall/address';
  const GROUP = '/api/v2/cmdb/firewall/addrgrp/cordon-blocklist';
  const addHost = (name: string, subnet: string) =>
    call('POST', `${ADDR}?vdom=root`, { name, type: 'ipmask', subnet });

  it('refuses a missing or wrong token with 401, and accepts access_token= as well', async () => {
    const none = await call('GET', GROUP, undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'error', http_status: 401 });
    expect((await call('GET', GROUP, undefined, 'wrong')).status).toBe(401);
    const viaQuery = await call('GET', `${GROUP}?access_token=${FORTIGATE_FAKE_API_TOKEN}`, undefined, null);
    expect(viaQuery.status).toBe(200);
  });

  it('seeds the block groups holding only the built-in none, in the GET envelope', async () => {
    const group = await call('GET', `${GROUP}?vdom=root`);
    expect(group.body).toMatchObject({
      http_method: 'GET',
      status: 'success',
      http_status: 200,
      vdom: 'root',
      path: 'firewall',
      name: 'addrgrp',
      size: 1,
    });
    expect(group.body.results[0]).toMatchObject({
      name: 'cordon-blocklist',
      q_origin_key: 'cordon-blocklist',
      member: [{ name: 'none', q_origin_key: 'none' }],
    });
    const six = await call('GET', '/api/v2/cmdb/firewall/addrgrp6/cordon-blocklist6');
    expect(six.body.results[0].member).toEqual([{ name: 'none', q_origin_key: 'none' }]);
    const builtin = await call('GET', `${ADDR}?filter=${encodeURIComponent('name==none')}`);
    expect(builtin.body.results).toEqual([
      expect.objectContaining({ name: 'none', subnet: '0.0.0.0 255.255.255.255' }),
    ]);
  });

  it('creates addresses (dotted mask or /len), refuses a duplicate with 500 / -5 and bad values with -651', async () => {
    const created = await addHost('h1', '203.0.113.7/32');
    expect(created.body).toMatchObject({
      http_method: 'POST',
      mkey: 'h1',
      status: 'success',
      revision_changed: true,
    });
    expect((await call('GET', `${ADDR}/h1`)).body.results[0]).toMatchObject({
      type: 'ipmask',
      subnet: '203.0.113.7 255.255.255.255',
    });

    const duplicate = await addHost('h1', '203.0.113.7 255.255.255.255');
    expect(duplicate.status).toBe(500);
    expect(duplicate.body).toMatchObject({ status: 'error', http_status: 500, error: -5 });

    const bad = await addHost('h2', '203.0.113.300');
    expect(bad.body).toMatchObject({ http_status: 500, error: -651 });
    const fqdn = await call('POST', ADDR, { name: 'd1', type: 'fqdn', fqdn: 'evil.example' });
    expect(fqdn.status).toBe(200);
    expect((await call('GET', `${ADDR}/missing`)).status).toBe(404);
  });

  it('replaces group members on PUT, records only real changes, and refuses unknown or no members', async () => {
    await addHost('h1', '203.0.113.7/32');
    await call('PUT', GROUP, { member: [{ name: 'none' }, { name: 'h1' }] });
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['none', 'h1']);
    await call('PUT', GROUP, { member: [{ name: 'none' }, { name: 'h1' }] });
    expect(fake.effects).toEqual([{ capability: 'firewall.block_ip', target: '203.0.113.7' }]);

    const unknown = await call('PUT', GROUP, { member: [{ name: 'ghost' }] });
    expect(unknown.status).toBe(424);
    expect(unknown.body).toMatchObject({ status: 'error', error: -3 });
    const empty = await call('PUT', GROUP, { member: [] });
    expect(empty.body).toMatchObject({ http_status: 500, error: -651 });

    await call('PUT', GROUP, { member: [{ name: 'none' }] });
    expect(fake.effects).toEqual([
      { capability: 'firewall.block_ip', target: '203.0.113.7' },
      { capability: 'firewall.unblock_ip', target: '203.0.113.7' },
    ]);
  });

  it('refuses to delete an address a group still uses, and 404s one that is gone', async () => {
    await addHost('h1', '203.0.113.7/32');
    await call('PUT', GROUP, { member: [{ name: 'h1' }] });
    const inUse = await call('DELETE', `${ADDR}/h1`);
    expect(inUse.status).toBe(500);
    expect(inUse.body.error).toBe(-23);
    await call('PUT', GROUP, { member: [{ name: 'none' }] });
    expect((await call('DELETE', `${ADDR}/h1`)).status).toBe(200);
    expect((await call('DELETE', `${ADDR}/h1`)).status).toBe(404);
  });

  it('keeps IPv6 apart: address6 with ip6 prefixes in addrgrp6', async () => {
    const created = await call('POST', '/api/v2/cmdb/firewall/address6', {
      name: 'v6',
      type: 'ipprefix',
      ip6: '2001:db8::1/128',
    });
    expect(created.status).toBe(200);
    expect((await call('PUT', GROUP, { member: [{ name: 'v6' }] })).status).toBe(424);
    await call('PUT', '/api/v2/cmdb/firewall/addrgrp6/cordon-blocklist6', { member: [{ name: 'v6' }] });
    expect(fake.effects).toEqual([{ capability: 'firewall.block_ip', target: '2001:db8::1' }]);
  });

  it('answers an unknown vdom with 404, and the system status monitor', async () => {
    expect((await call('GET', `${GROUP}?vdom=nope`)).status).toBe(404);
    const status = await call('GET', '/api/v2/monitor/system/status');
    expect(status.body).toMatchObject({
      status: 'success',
      results: { hostname: 'fake-fgt' },
      version: 'v7.4.3',
    });
  });

  it('serves its rate limit as 429 with Retry-After in the envelope', async () => {
    fake.injectFaults([fake.rateLimitFault(9)]);
    const limited = await call('GET', GROUP);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    expect(limited.body).toMatchObject({ status: 'error', http_status: 429 });
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
