import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import {
  createPanosFake,
  PANOS_FAKE_API_KEY,
  type PanosFakeOptions,
  type PanosFake,
} from './fake/panos.fake';
import panos from './index';
import { PanosClient } from './panos.client';

const V = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
const GROUP = `${V}/address-group/entry[@name='cordon-blocklist']`;

describe('PAN-OS integration against its fake', () => {
  let fake: PanosFake;
  const sleeps: number[] = [];
  const beats: unknown[] = [];

  async function startFake(options: PanosFakeOptions = {}) {
    await fake?.stop();
    fake = createPanosFake(options);
    await fake.start(0);
  }
  beforeEach(async () => {
    sleeps.length = 0;
    beats.length = 0;
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(options: { key?: string; settings?: Record<string, unknown> } = {}): ActionContext {
    const http = new HttpClient({
      vendor: panos.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
    });
    return {
      connection: {
        id: 'conn-1',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url, pollIntervalMs: 0, ...options.settings },
        secrets: { apiKey: options.key ?? PANOS_FAKE_API_KEY },
      },
      idempotencyKey: 'run-1/step-1',
      http,
      heartbeat: (d) => void beats.push(d),
    };
  }
  const run = (action: string, input: Record<string, unknown>, ctx = context()) =>
    panos.actions[action].run(ctx, input);
  /** The XML API requests the adapter sent, as their form parameters. */
  const requests = () =>
    fake.calls.map((c): Record<string, string | undefined> => ({
      ...(c.body as object),
      key: c.headers['x-pan-key'],
    }));
  const kinds = () => requests().map((r) => (r.type === 'config' ? `${r.action}` : r.type));

  it('blocks an IP: reads the running group, sets the object and member, commits and waits for the job', async () => {
    const out = await run('block_ip', { ip: '203.0.113.7', comment: 'case 42' });
    expect(out).toEqual({
      ip: '203.0.113.7',
      blocked: true,
      already: false,
      object_name: 'cordon-ip-203.0.113.7',
    });
    expect(kinds()).toEqual(['show', 'set', 'set', 'commit', 'op', 'op']);
    const [show, setAddress, setMember, commit, poll] = requests();
    expect(show).toMatchObject({ action: 'show', xpath: GROUP, key: PANOS_FAKE_API_KEY });
    expect(setAddress).toEqual({
      type: 'config',
      action: 'set',
      xpath: `${V}/address/entry[@name='cordon-ip-203.0.113.7']`,
      element:
        '<ip-netmask>203.0.113.7/32</ip-netmask><description>case 42 (Cordon run-1/step-1)</description>',
      key: PANOS_FAKE_API_KEY,
    });
    expect(setMember).toMatchObject({
      xpath: `${GROUP}/static`,
      element: '<member>cordon-ip-203.0.113.7</member>',
    });
    expect(commit).toMatchObject({
      cmd: '<commit><description>Cordon: block 203.0.113.7 (run-1/step-1)</description></commit>',
    });
    expect(poll?.cmd).toMatch(/^<show><jobs><id>\d+<\/id><\/jobs><\/show>$/);
    // The key travels in the header only, never in the form or the URL.
    expect(fake.calls.every((c) => !c.path.includes('key=') && !('key' in (c.body as object)))).toBe(true);
    expect(fake.groupMembers('cordon-blocklist')).toContain('cordon-ip-203.0.113.7');
    expect(fake.effects).toEqual([{ capability: 'firewall.block_ip', target: '203.0.113.7' }]);
  });

  it('reports an IP already blocked without editing or committing again', async () => {
    await run('block_ip', { ip: '203.0.113.7' });
    fake.resetCalls();
    expect(await run('block_ip', { ip: '203.0.113.7' })).toMatchObject({ blocked: true, already: true });
    expect(kinds()).toEqual(['show']);
    expect(fake.effects).toHaveLength(1);
  });

  it('commits again when a change sits uncommitted in the candidate (a retry after a failed commit)', async () => {
    fake.failNextCommit();
    await expect(run('block_ip', { ip: '203.0.113.7' })).rejects.toMatchObject({ code: 'COMMIT_FAILED' });
    expect(fake.groupMembers('cordon-blocklist', 'candidate')).toContain('cordon-ip-203.0.113.7');
    expect(await run('block_ip', { ip: '203.0.113.7' })).toMatchObject({ already: false });
    expect(fake.groupMembers('cordon-blocklist')).toContain('cordon-ip-203.0.113.7');
    expect(fake.effects).toHaveLength(1);
  });

  it('maps domains to fqdn objects, long ones to a bounded name, IPv6 to a /128 with a legal name', async () => {
    expect(await run('block_domain', { domain: 'Evil.Example.' })).toEqual({
      domain: 'evil.example',
      blocked: true,
      already: false,
      object_name: 'cordon-fqdn-evil.example',
    });
    expect(requests()[1]?.element).toContain('<fqdn>evil.example</fqdn>');

    const long = `${'a'.repeat(60)}.evil.example`;
    const out = await run('block_domain', { domain: long });
    expect(String(out.object_name)).toMatch(/^cordon-fqdn-a+-[0-9a-f]{8}$/);
    expect(String(out.object_name).length).toBeLessThanOrEqual(63);

    fake.resetCalls();
    expect(await run('block_ip', { ip: '2001:DB8:0:0::1' })).toMatchObject({
      ip: '2001:db8::1',
      object_name: 'cordon-ip-2001_db8__1',
    });
    expect(requests()[1]?.element).toContain('<ip-netmask>2001:db8::1/128</ip-netmask>');
    expect(fake.effects.map((e) => e.target)).toEqual(['evil.example', long, '2001:db8::1']);
  });

  it('unblocks: deletes the member and the object, commits; a second call reports already', async () => {
    await run('block_domain', { domain: 'evil.example' });
    fake.resetCalls();
    expect(await run('unblock_domain', { domain: 'evil.example' })).toEqual({
      domain: 'evil.example',
      blocked: false,
      already: false,
      object_name: 'cordon-fqdn-evil.example',
    });
    expect(requests().map((r) => `${r.action ?? r.type} ${r.xpath ?? ''}`.trim())).toEqual([
      `show ${GROUP}`,
      `delete ${GROUP}/static/member[text()='cordon-fqdn-evil.example']`,
      `delete ${V}/address/entry[@name='cordon-fqdn-evil.example']`,
      'commit',
      'op',
      'op',
    ]);
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder']);
    expect(await run('unblock_domain', { domain: 'evil.example' })).toMatchObject({
      blocked: false,
      already: true,
    });
    expect(fake.effects.filter((e) => e.capability === 'firewall.unblock_domain')).toHaveLength(1);
  });

  it('puts the placeholder in before removing the last member, since PAN-OS cannot commit an empty group', async () => {
    await startFake({
      seed: {
        addresses: [{ name: 'cordon-ip-203.0.113.7', 'ip-netmask': '203.0.113.7/32' }],
        groups: [{ name: 'cordon-blocklist', members: ['cordon-ip-203.0.113.7'] }],
      },
    });
    expect(await run('unblock_ip', { ip: '203.0.113.7' })).toMatchObject({ already: false, blocked: false });
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder']);
    expect(requests()[1]).toMatchObject({
      action: 'set',
      xpath: `${V}/address/entry[@name='cordon-placeholder']`,
      element: expect.stringContaining('<ip-netmask>192.0.2.255/32</ip-netmask>'),
    });
    expect(fake.effects).toContainEqual({ capability: 'firewall.unblock_ip', target: '203.0.113.7' });
  });

  it('keeps an object another rule or group still uses, and still commits the unblock', async () => {
    await startFake({
      seed: {
        addresses: [
          { name: 'cordon-placeholder', 'ip-netmask': '192.0.2.255/32' },
          { name: 'cordon-ip-203.0.113.7', 'ip-netmask': '203.0.113.7/32' },
        ],
        groups: [
          { name: 'cordon-blocklist', members: ['cordon-placeholder', 'cordon-ip-203.0.113.7'] },
          { name: 'analyst-watch', members: ['cordon-ip-203.0.113.7'] },
        ],
      },
    });
    expect(await run('unblock_ip', { ip: '203.0.113.7' })).toMatchObject({ already: false });
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder']);
    expect(fake.groupMembers('analyst-watch')).toEqual(['cordon-ip-203.0.113.7']);
  });

  it('polls a slow commit job with heartbeats until FIN', async () => {
    await startFake({ jobPollsUntilDone: 3 });
    await run('block_ip', { ip: '203.0.113.7' });
    expect(kinds().filter((k) => k === 'op')).toHaveLength(4);
    expect(beats).toHaveLength(3);
    expect(beats[0]).toMatchObject({ commitJob: expect.any(String), status: 'ACT', progress: '55' });
  });

  it('gives up on a commit job that outlives commitTimeoutSeconds with a retryable error', async () => {
    await startFake({ jobPollsUntilDone: Infinity });
    const err = await caught(
      run('block_ip', { ip: '203.0.113.7' }, context({ settings: { commitTimeoutSeconds: 0 } })),
    );
    expect(err).toMatchObject({ vendor: 'Palo Alto Networks', code: 'COMMIT_TIMEOUT', retryable: true });
  });

  it('surfaces a failed commit job with its details, non-retryable', async () => {
    fake.failNextCommit(['Validation Error:', 'rule deny-cordon -> destination is invalid', 'Commit failed']);
    const err = await caught(run('block_ip', { ip: '203.0.113.7' }));
    expect(err).toMatchObject({ code: 'COMMIT_FAILED', retryable: false, status: 200 });
    expect(err.message).toContain('ended FAIL: Validation Error: rule deny-cordon -> destination is invalid');
  });

  it('commits only its own admin’s changes when commitAdmin is set', async () => {
    await run('block_ip', { ip: '203.0.113.7' }, context({ settings: { commitAdmin: 'cordon-api' } }));
    expect(requests().find((r) => r.type === 'commit')?.cmd).toBe(
      '<commit><partial><admin><member>cordon-api</member></admin></partial>' +
        '<description>Cordon: block 203.0.113.7 (run-1/step-1)</description></commit>',
    );
  });

  it('takes "no changes to commit" as done (another step committed the same candidate)', async () => {
    const client = new PanosClient(context());
    await expect(client.commit('nothing pending')).resolves.toEqual({});
  });

  it('calls a commit blocked by another commit COMMIT_BUSY, retryable', async () => {
    fake.injectFaults([
      {
        status: 200,
        body: '<response status="error"><msg><line>Another commit or validate is in progress. Please try again later</line></msg></response>',
      },
    ]);
    const err = await caught(new PanosClient(context()).commit('busy'));
    expect(err).toMatchObject({ code: 'COMMIT_BUSY', retryable: true });
    expect(err.message).toContain('Another commit or validate is in progress');
  });

  it('reads "No such node" without a code as an absent node', async () => {
    fake.injectFaults([{ status: 200, body: '<response status="error"><msg>No such node</msg></response>' }]);
    expect(await caught(run('block_ip', { ip: '203.0.113.7' }))).toMatchObject({
      code: 'BLOCK_GROUP_NOT_FOUND',
    });
  });

  it('surfaces XML API errors with vendor, HTTP status, PAN-OS code and message', async () => {
    const badKey = await caught(run('block_ip', { ip: '203.0.113.7' }, context({ key: 'not-the-key' })));
    expect(badKey).toMatchObject({
      vendor: 'Palo Alto Networks',
      status: 403,
      code: '403',
      message: 'Invalid Credential',
      retryable: false,
    });
    expect(JSON.stringify(badKey)).not.toContain('not-the-key');

    const xmlError = (code: string, line: string) => ({
      status: 200,
      body: `<response status="error" code="${code}"><msg><line>${line}</line></msg></response>`,
      match: { method: 'POST' },
    });
    fake.injectFaults([xmlError('15', 'Operation denied')]);
    expect(await caught(run('block_ip', { ip: '203.0.113.7' }))).toMatchObject({
      status: 200,
      code: '15',
      message: 'Operation denied',
      retryable: false,
    });
    fake.injectFaults([xmlError('5', 'Internal error')]);
    expect(await caught(run('block_ip', { ip: '203.0.113.7' }))).toMatchObject({
      code: '5',
      retryable: true,
    });

    fake.injectFaults([{ status: 200, body: '<html><body>Login</body></html>' }]);
    expect(await caught(run('block_ip', { ip: '203.0.113.7' }))).toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('waits as long as the 503 Retry-After says, then carries on', async () => {
    fake.injectFaults([fake.rateLimitFault(5)]);
    await run('block_ip', { ip: '203.0.113.7' });
    expect(sleeps).toEqual([5000]);
  });

  it('refuses bad input and bad settings before calling the firewall', async () => {
    expect(await caught(run('block_ip', { ip: '203.0.113.999' }))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    expect(await caught(run('block_domain', { domain: '*.evil.example' }))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(
      await caught(run('block_ip', { ip: '203.0.113.7' }, context({ settings: { blockGroup: "x']/evil" } }))),
    ).toMatchObject({
      code: 'BAD_SETTINGS',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('fails for good when the block group is not in the running config', async () => {
    const err = await caught(
      run('block_ip', { ip: '203.0.113.7' }, context({ settings: { blockGroup: 'no-such-group' } })),
    );
    expect(err).toMatchObject({ code: 'BLOCK_GROUP_NOT_FOUND', retryable: false });
    expect(err.message).toContain('"no-such-group"');
    expect(kinds()).toEqual(['show']);
  });

  it('refuses a dynamic group as the block group', async () => {
    fake.injectFaults([
      {
        status: 200,
        body: `<response status="success"><result><entry name="cordon-blocklist"><dynamic><filter>'bad'</filter></dynamic></entry></result></response>`,
      },
    ]);
    const err = await caught(run('block_ip', { ip: '203.0.113.7' }));
    expect(err).toMatchObject({ code: 'BAD_SETTINGS', retryable: false });
    expect(err.message).toContain('is dynamic');
  });

  it('passes the health check, and fails it with a bad key or a missing group', async () => {
    await expect(panos.healthCheck(context())).resolves.toBeUndefined();
    expect(requests()[0]).toMatchObject({ type: 'op', cmd: '<show><system><info/></system></show>' });
    await expect(panos.healthCheck(context({ key: 'nope' }))).rejects.toMatchObject({ status: 403 });
    await expect(panos.healthCheck(context({ settings: { blockGroup: 'other' } }))).rejects.toMatchObject({
      code: 'BLOCK_GROUP_NOT_FOUND',
    });
  });
});
