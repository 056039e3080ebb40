import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createFortiGateFake, FORTIGATE_FAKE_API_TOKEN, type FortiGateFake } from './fake/fortigate.fake';
import fortigate from './index';

const GROUP = '/api/v2/cmdb/firewall/addrgrp/cordon-blocklist';
const ADDRESS = '/api/v2/cmdb/firewall/address';

describe('FortiGate integration against its fake', () => {
  let fake: FortiGateFake;
  const sleeps: number[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    fake = createFortiGateFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(options: { token?: string; settings?: Record<string, unknown> } = {}): ActionContext {
    const http = new HttpClient({
      vendor: fortigate.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
    });
    return {
      connection: {
        id: 'conn-1',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url, blockGroup6: 'cordon-blocklist6', ...options.settings },
        secrets: { apiToken: options.token ?? FORTIGATE_FAKE_API_TOKEN },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (action: string, input: Record<string, unknown>, ctx = context()) =>
    fortigate.actions[action].run(ctx, input);
  const calls = () => fake.calls.map((c) => `${c.method} ${c.path}`);
  /** Sets up the device directly (not through the adapter), then forgets those calls. */
  async function device(method: string, path: string, body: unknown) {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${FORTIGATE_FAKE_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    fake.resetCalls();
  }

  it('blocks an IP: reads the group, creates the address, puts the full member list', async () => {
    const out = await run('block_ip', { ip: '203.0.113.7', comment: 'case 42' });
    expect(out).toEqual({
      ip: '203.0.113.7',
      blocked: true,
      already: false,
      object_name: 'cordon-ip-203.0.113.7',
    });
    expect(calls()).toEqual([
      `GET ${GROUP}?vdom=root`,
      `POST ${ADDRESS}?vdom=root`,
      `PUT ${GROUP}?vdom=root`,
    ]);
    const [read, create, put] = fake.calls;
    expect(read?.headers.authorization).toBe(`Bearer ${FORTIGATE_FAKE_API_TOKEN}`);
    expect(create?.body).toEqual({
      name: 'cordon-ip-203.0.113.7',
      comment: 'case 42 (Cordon run-1/step-1)',
      type: 'ipmask',
      subnet: '203.0.113.7 255.255.255.255',
    });
    expect(put?.body).toEqual({ member: [{ name: 'none' }, { name: 'cordon-ip-203.0.113.7' }] });
    expect(fake.effects).toEqual([{ capability: 'firewall.block_ip', target: '203.0.113.7' }]);
  });

  it('reports an IP already blocked after one read', async () => {
    await run('block_ip', { ip: '203.0.113.7' });
    fake.resetCalls();
    expect(await run('block_ip', { ip: '203.0.113.7' })).toMatchObject({ blocked: true, already: true });
    expect(calls()).toEqual([`GET ${GROUP}?vdom=root`]);
    expect(fake.effects).toHaveLength(1);
  });

  it('takes an existing address object (500 / -5) as created, without retrying the POST', async () => {
    await device('POST', ADDRESS, {
      name: 'cordon-ip-203.0.113.7',
      type: 'ipmask',
      subnet: '203.0.113.7/32',
    });
    expect(await run('block_ip', { ip: '203.0.113.7' })).toMatchObject({ already: false, blocked: true });
    expect(calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(fake.groupMembers('cordon-blocklist')).toContain('cordon-ip-203.0.113.7');
  });

  it('treats any other 500 on create as FortiOS failing: retryable, with its error number', async () => {
    fake.injectFaults([
      { status: 500, body: { status: 'error', http_status: 500, error: -1 }, match: { method: 'POST' } },
    ]);
    const err = await caught(run('block_ip', { ip: '203.0.113.7' }));
    expect(err).toMatchObject({ vendor: 'Fortinet', status: 500, code: '-1', retryable: true });
    expect(err.message).toBe('invalid request (FortiOS error -1, HTTP 500)');
  });

  it('blocks domains as fqdn objects and IPv6 as address6 /128 in the IPv6 group', async () => {
    expect(await run('block_domain', { domain: 'Evil.Example' })).toMatchObject({
      domain: 'evil.example',
      object_name: 'cordon-fqdn-evil.example',
    });
    expect(fake.calls[1]?.body).toMatchObject({ type: 'fqdn', fqdn: 'evil.example' });
    fake.resetCalls();

    expect(await run('block_ip', { ip: '2001:db8::0:1' })).toMatchObject({
      ip: '2001:db8::1',
      object_name: 'cordon-ip-2001_db8__1',
    });
    expect(calls()).toEqual([
      'GET /api/v2/cmdb/firewall/addrgrp6/cordon-blocklist6?vdom=root',
      'POST /api/v2/cmdb/firewall/address6?vdom=root',
      'PUT /api/v2/cmdb/firewall/addrgrp6/cordon-blocklist6?vdom=root',
    ]);
    expect(fake.calls[1]?.body).toMatchObject({ type: 'ipprefix', ip6: '2001:db8::1/128' });
    expect(fake.effects.map((e) => e.target)).toEqual(['evil.example', '2001:db8::1']);

    const noGroup6 = await caught(
      run('block_ip', { ip: '2001:db8::2' }, context({ settings: { blockGroup6: '' } })),
    );
    expect(noGroup6).toMatchObject({ code: 'BAD_SETTINGS', retryable: false });
  });

  it('unblocks: puts the list without it, deletes the object; a second call reports already', async () => {
    await run('block_domain', { domain: 'evil.example' });
    fake.resetCalls();
    expect(await run('unblock_domain', { domain: 'evil.example' })).toEqual({
      domain: 'evil.example',
      blocked: false,
      already: false,
      object_name: 'cordon-fqdn-evil.example',
    });
    expect(calls()).toEqual([
      `GET ${GROUP}?vdom=root`,
      `PUT ${GROUP}?vdom=root`,
      `DELETE ${ADDRESS}/cordon-fqdn-evil.example?vdom=root`,
    ]);
    expect(fake.calls[1]?.body).toEqual({ member: [{ name: 'none' }] });
    expect(fake.objects('address').map((o) => o.name)).not.toContain('cordon-fqdn-evil.example');
    expect(await run('unblock_domain', { domain: 'evil.example' })).toMatchObject({
      already: true,
      blocked: false,
    });
    expect(fake.effects.filter((e) => e.capability === 'firewall.unblock_domain')).toHaveLength(1);
  });

  it('puts the built-in none in when the last member leaves, since FortiOS keeps no group empty', async () => {
    await run('block_ip', { ip: '203.0.113.7' });
    await device('PUT', GROUP, { member: [{ name: 'cordon-ip-203.0.113.7' }] });
    await run('unblock_ip', { ip: '203.0.113.7' });
    expect(fake.calls[1]?.body).toEqual({ member: [{ name: 'none' }] });
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['none']);
  });

  it('leaves an object another group still uses, and reports the unblock done', async () => {
    await run('block_ip', { ip: '203.0.113.7' });
    await device('POST', '/api/v2/cmdb/firewall/addrgrp', {
      name: 'analyst-watch',
      member: [{ name: 'cordon-ip-203.0.113.7' }],
    });
    expect(await run('unblock_ip', { ip: '203.0.113.7' })).toMatchObject({ already: false, blocked: false });
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['none']);
    expect(fake.objects('address').map((o) => o.name)).toContain('cordon-ip-203.0.113.7');
  });

  it('surfaces FortiOS errors with vendor, status, code and words, never the token', async () => {
    const badToken = await caught(run('block_ip', { ip: '203.0.113.7' }, context({ token: 'wrong-token' })));
    expect(badToken).toMatchObject({ vendor: 'Fortinet', status: 401, code: '401', retryable: false });
    expect(badToken.message).toBe('the API token is missing or not valid (HTTP 401)');
    expect(JSON.stringify(badToken)).not.toContain('wrong-token');

    fake.injectFaults([{ status: 403, body: { status: 'error', http_status: 403 } }]);
    const untrusted = await caught(run('block_ip', { ip: '203.0.113.7' }));
    expect(untrusted.message).toContain('not from a trusted host');

    const missing = await caught(
      run('block_ip', { ip: '203.0.113.7' }, context({ settings: { blockGroup: 'no-such-group' } })),
    );
    expect(missing).toMatchObject({ code: 'BLOCK_GROUP_NOT_FOUND', status: 404, retryable: false });
    expect(missing.message).toContain('"no-such-group" does not exist in vdom root');
  });

  it('waits as long as the 429 Retry-After says, then carries on', async () => {
    fake.injectFaults([fake.rateLimitFault(5)]);
    await run('block_ip', { ip: '203.0.113.7' });
    expect(sleeps).toEqual([5000]);
    expect(fake.effects).toHaveLength(1);
  });

  it('sends the configured vdom on every call', async () => {
    const other = createFortiGateFake({ vdoms: ['root', 'customer-a'] });
    await other.start(0);
    try {
      const ctx = context({ settings: { vdom: 'customer-a' } });
      ctx.http = new HttpClient({ vendor: 'Fortinet', baseUrl: other.url });
      await fortigate.actions.block_ip.run(ctx, { ip: '203.0.113.7' });
      expect(other.calls.every((c) => c.path.endsWith('?vdom=customer-a'))).toBe(true);
      expect(other.groupMembers('cordon-blocklist', 'addrgrp', 'customer-a')).toContain(
        'cordon-ip-203.0.113.7',
      );
      expect(other.groupMembers('cordon-blocklist', 'addrgrp', 'root')).toEqual(['none']);
    } finally {
      await other.stop();
    }
  });

  it('refuses bad input and bad settings before calling the FortiGate', async () => {
    expect(await caught(run('block_ip', { ip: 'evil.example' }))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    expect(await caught(run('unblock_domain', { domain: '' }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(
      await caught(run('block_ip', { ip: '203.0.113.7' }, context({ settings: { blockGroup: 'a/../b' } }))),
    ).toMatchObject({
      code: 'BAD_SETTINGS',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('passes the health check, and fails it with a bad token or a missing group', async () => {
    await expect(fortigate.healthCheck(context())).resolves.toBeUndefined();
    expect(calls()).toEqual([
      'GET /api/v2/monitor/system/status?vdom=root',
      `GET ${GROUP}?vdom=root`,
      'GET /api/v2/cmdb/firewall/addrgrp6/cordon-blocklist6?vdom=root',
    ]);
    await expect(fortigate.healthCheck(context({ token: 'nope' }))).rejects.toMatchObject({ status: 401 });
    await expect(
      fortigate.healthCheck(context({ settings: { blockGroup6: 'missing6' } })),
    ).rejects.toMatchObject({
      code: 'BLOCK_GROUP_NOT_FOUND',
    });
  });
});
