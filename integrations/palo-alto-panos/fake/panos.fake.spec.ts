import { child, childrenNamed, lines, parseXml, textAt, type XmlElement } from '../panos-xml';
import { createPanosFake, PANOS_FAKE_API_KEY, type PanosFake } from './panos.fake';

const V = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
const GROUP = `${V}/address-group/entry[@name='cordon-blocklist']`;
const address = (name: string) => `${V}/address/entry[@name='${name}']`;

/** Raw HTTP against the fake: the documented XML API shapes, independent of the adapter. */
describe('PAN-OS fake', () => {
  let fake: PanosFake;

  beforeEach(async () => {
    fake = createPanosFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  async function api(params: Record<string, string>, key: string | null = PANOS_FAKE_API_KEY) {
    const res = await fetch(`${fake.url}/api/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(key ? { 'x-pan-key': key } : {}),
      },
      body: new URLSearchParams(params),
    });
    const text = await res.text();
    const xml = parseXml(text);
    return { status: res.status, headers: res.headers, text, xml, msg: messages(xml) };
  }
  const messages = (xml: XmlElement) => lines(child(xml, 'msg') ?? child(child(xml, 'result'), 'msg'));
  const commitAndFinish = async () => {
    const commit = await api({ type: 'commit', cmd: '<commit></commit>' });
    const jobId = textAt(commit.xml, 'result', 'job')!;
    const poll = () => api({ type: 'op', cmd: `<show><jobs><id>${jobId}</id></jobs></show>` });
    const first = await poll();
    const second = await poll();
    return {
      commit,
      first: child(child(first.xml, 'result'), 'job'),
      second: child(child(second.xml, 'result'), 'job'),
    };
  };
  const addIp = async (name: string, ip: string) => {
    await api({
      type: 'config',
      action: 'set',
      xpath: address(name),
      element: `<ip-netmask>${ip}</ip-netmask>`,
    });
    await api({
      type: 'config',
      action: 'set',
      xpath: `${GROUP}/static`,
      element: `<member>${name}</member>`,
    });
  };

  it('refuses a missing or wrong key with 403 and PAN-OS’s single-quoted XML; accepts key= too', async () => {
    const none = await api({ type: 'op', cmd: '<show><system><info/></system></show>' }, null);
    expect(none.status).toBe(403);
    expect(none.text).toContain("<response status = 'error' code = '403'>");
    expect(none.msg).toEqual(['Invalid Credential']);
    expect((await api({ type: 'op', cmd: '<show><system><info/></system></show>' }, 'wrong')).status).toBe(
      403,
    );

    const viaParam = await fetch(
      `${fake.url}/api/?type=op&cmd=${encodeURIComponent('<show><system><info/></system></show>')}&key=${encodeURIComponent(PANOS_FAKE_API_KEY)}`,
    );
    expect(viaParam.status).toBe(200);
    expect(viaParam.headers.get('content-type')).toContain('application/xml');
    expect(textAt(parseXml(await viaParam.text()), 'result', 'system', 'model')).toBe('PA-VM');
  });

  it('issues the key for good credentials on type=keygen', async () => {
    const good = await api({ type: 'keygen', user: 'cordon-api', password: 'fake-panos-password' }, null);
    expect(good.xml.attrs.status).toBe('success');
    expect(textAt(good.xml, 'result', 'key')).toBe(PANOS_FAKE_API_KEY);
    expect((await api({ type: 'keygen', user: 'cordon-api', password: 'nope' }, null)).status).toBe(403);
  });

  it('edits the candidate (get) and leaves the running config (show) alone until a commit', async () => {
    await addIp('cordon-ip-203.0.113.7', '203.0.113.7/32');
    const candidate = await api({ type: 'config', action: 'get', xpath: GROUP });
    expect(candidate.xml.attrs).toEqual({ status: 'success', code: '19' });
    expect(child(candidate.xml, 'result')?.attrs).toEqual({ 'total-count': '1', count: '1' });
    const members = childrenNamed(child(child(child(candidate.xml, 'result'), 'entry'), 'static'), 'member');
    expect(members.map((m) => m.text)).toEqual(['cordon-placeholder', 'cordon-ip-203.0.113.7']);
    // Uncommitted members carry PAN-OS's dirty markers.
    expect(members[0]?.attrs).toEqual({});
    expect(members[1]?.attrs).toMatchObject({ admin: 'cordon-api', dirtyId: '1' });

    const running = await api({ type: 'config', action: 'show', xpath: address('cordon-ip-203.0.113.7') });
    expect(running.xml.attrs).toEqual({ status: 'error', code: '7' });
    expect(running.msg).toEqual(['No such node']);
    const missing = await api({ type: 'config', action: 'get', xpath: address('nothing') });
    expect(missing.xml.attrs).toEqual({ status: 'success', code: '7' });

    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder']);
    expect(fake.effects).toEqual([]);
  });

  it('commits through a job that runs ACT then FIN OK, and records the block once', async () => {
    await addIp('cordon-ip-203.0.113.7', '203.0.113.7/32');
    const { commit, first, second } = await commitAndFinish();
    expect(commit.xml.attrs).toEqual({ status: 'success', code: '19' });
    expect(commit.msg[0]).toMatch(/^Commit job enqueued with jobid \d+$/);
    expect(textAt(first, 'status')).toBe('ACT');
    expect(textAt(first, 'result')).toBe('PEND');
    expect(textAt(first, 'tfin')).toBe('Still Active');
    expect(textAt(second, 'status')).toBe('FIN');
    expect(textAt(second, 'result')).toBe('OK');
    expect(textAt(second, 'progress')).toBe('100');
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder', 'cordon-ip-203.0.113.7']);
    expect(fake.effects).toEqual([{ capability: 'firewall.block_ip', target: '203.0.113.7' }]);

    const again = await api({ type: 'commit', cmd: '<commit></commit>' });
    expect(again.xml.attrs).toEqual({ status: 'success', code: '19' });
    expect(again.msg).toEqual(['There are no changes to commit.']);
    expect(fake.effects).toHaveLength(1);
  });

  it('fails the commit job of an empty static group or a dangling member, leaving running as it was', async () => {
    await api({
      type: 'config',
      action: 'delete',
      xpath: `${GROUP}/static/member[text()='cordon-placeholder']`,
    });
    const empty = await commitAndFinish();
    expect(textAt(empty.second, 'result')).toBe('FAIL');
    expect(lines(child(empty.second, 'details')).join(' ')).toContain(
      "cordon-blocklist  is missing 'static'",
    );
    expect(fake.groupMembers('cordon-blocklist')).toEqual(['cordon-placeholder']);

    await api({ type: 'config', action: 'set', xpath: `${GROUP}/static`, element: '<member>ghost</member>' });
    const dangling = await commitAndFinish();
    expect(lines(child(dangling.second, 'details')).join(' ')).toContain(
      "static 'ghost' is not a valid reference",
    );
    expect(fake.effects).toEqual([]);
  });

  it('answers config errors with their codes: 7 absent, 10 referenced, 6 bad xpath, 12 invalid, 400 missing params', async () => {
    const absent = await api({ type: 'config', action: 'delete', xpath: address('nothing') });
    expect(absent.status).toBe(200);
    expect(absent.xml.attrs).toEqual({ status: 'error', code: '7' });

    const referenced = await api({ type: 'config', action: 'delete', xpath: address('cordon-placeholder') });
    expect(referenced.xml.attrs.code).toBe('10');
    expect(referenced.msg).toEqual([
      'cordon-placeholder cannot be deleted because of references from:',
      'address-group -> cordon-blocklist -> static',
    ]);

    const badPath = await api({ type: 'config', action: 'get', xpath: `${V}/rulebase/security` });
    expect(badPath.xml.attrs.code).toBe('6');

    const invalid = await api({
      type: 'config',
      action: 'set',
      xpath: address('x'),
      element: '<ip-netmask>300.1.1.1/32</ip-netmask>',
    });
    expect(invalid.xml.attrs.code).toBe('12');

    const noXpath = await api({ type: 'config', action: 'get' });
    expect(noXpath.status).toBe(400);
    expect(noXpath.xml.attrs.code).toBe('400');
    expect((await api({ type: 'nonsense' })).status).toBe(400);
  });

  it('serves its rate limit as 503 with Retry-After and an XML body, also for bodiless faults', async () => {
    fake.injectFaults([fake.rateLimitFault(7)]);
    const limited = await api({ type: 'op', cmd: '<show><system><info/></system></show>' });
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.xml.attrs.status).toBe('error');

    await fetch(`${fake.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 500 }]) });
    const injected = await api({ type: 'op', cmd: '<show><system><info/></system></show>' });
    expect(injected.status).toBe(500);
    expect(injected.xml.attrs).toEqual({ status: 'error', code: '500' });
  });

  it('fails the next commit on request and shows both configs on GET /__config, unrecorded', async () => {
    await addIp('cordon-ip-198.51.100.1', '198.51.100.1/32');
    fake.failNextCommit(['Validation Error:', 'something else is wrong', 'Commit failed']);
    const failed = await commitAndFinish();
    expect(textAt(failed.second, 'result')).toBe('FAIL');
    expect(lines(child(failed.second, 'details'))).toContain('something else is wrong');

    const config = (await (await fetch(`${fake.url}/__config`)).json()) as Record<string, any>;
    expect(config.running.vsys1.groups[0].members).toEqual(['cordon-placeholder']);
    expect(config.candidate.vsys1.groups[0].members).toEqual([
      'cordon-ip-198.51.100.1',
      'cordon-placeholder',
    ]);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
