import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signWebhook } from '../src/webhooks/webhook-signature';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, graphqlClient } from './support/graphql-client';

/**
 * Signed webhooks end to end on the built server: endpoints managed over GraphQL, a tool's
 * native JSON pushed over REST with the HMAC contract, and every refusal leaving no trace.
 *
 * Decision: a push to a source Cordon has no normaliser for is 404 (before authentication). The
 * list of sources is the same in every deployment, so this reveals nothing about endpoints or
 * tenants; everything endpoint-specific answers one generic 401.
 */
const ADMIN_KEY = 'cdn_e2e_webhooks_admin_0123456789ab';
const FIXTURES = path.join(__dirname, 'fixtures/alerts');
const CROWDSTRIKE = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'crowdstrike/alert-v2.json'), 'utf8'));
const OCSF = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ocsf/detection-finding.json'), 'utf8'));

const CREATE = `mutation($source: String!) { createWebhookEndpoint(source: $source) { secret endpoint { id source url createdAt rotatedAt } } }`;
const ROTATE = `mutation($id: ID!, $overlap: Int) { rotateWebhookSecret(endpointId: $id, overlapMinutes: $overlap) { secret endpoint { id rotatedAt previousSecretValidUntil } } }`;
const REVOKE = `mutation($id: ID!) { revokeWebhookEndpoint(endpointId: $id) { id revokedAt } }`;
const LIST = `query($all: Boolean) { webhookEndpoints(includeRevoked: $all) { totalCount edges { node { id source url revokedAt } } } }`;
const ALERT = `query($id: ID!) { alert(id: $id) { id source sourceRef title severity } }`;
const COUNT = `query { alerts(first: 1) { totalCount } }`;

interface Push {
  source?: string;
  endpointId?: string;
  secret?: string;
  body?: string | Buffer;
  timestamp?: number;
  deliveryId?: string | null;
  signature?: string;
  contentType?: string;
}

describe('signed alert webhooks', () => {
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let cs: { id: string; secret: string };
  let ocsf: { id: string; secret: string };

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    cs = await createEndpoint('crowdstrike');
    ocsf = await createEndpoint('ocsf');
  });

  afterAll(async () => {
    await cordon?.stop();
    await db?.drop();
  });

  async function createEndpoint(source: string): Promise<{ id: string; secret: string }> {
    const res = await gql(CREATE, { source }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    const { endpoint, secret } = res.data.createWebhookEndpoint;
    expect(endpoint).toMatchObject({ source, url: `/webhooks/alerts/${source}`, rotatedAt: null });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { id: endpoint.id, secret };
  }

  function crowdstrikeBody(ref: string): string {
    return JSON.stringify({ ...CROWDSTRIKE, composite_id: `${CROWDSTRIKE.composite_id}-${ref}` });
  }

  async function push(p: Push = {}) {
    const source = p.source ?? 'crowdstrike';
    const body = p.body ?? crowdstrikeBody(randomUUID());
    const timestamp = p.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': p.contentType ?? 'application/json',
      'x-cordon-endpoint': p.endpointId ?? cs.id,
      'x-cordon-timestamp': String(timestamp),
      'x-cordon-signature': p.signature ?? signWebhook(p.secret ?? cs.secret, timestamp, body),
    };
    if (p.deliveryId !== null) headers['x-cordon-delivery'] = p.deliveryId ?? randomUUID();
    const res = await fetch(`${cordon.url}/webhooks/alerts/${source}`, { method: 'POST', headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = { text };
    }
    return { status: res.status, body: json };
  }

  async function alertCount(): Promise<number> {
    const res = await gql(COUNT, {}, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    return res.data.alerts.totalCount as number;
  }

  /** Runs a push that must be refused, and checks that nothing was stored. */
  async function refused(p: Push, status: number, code: string) {
    const before = await alertCount();
    const res = await push(p);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(await alertCount()).toBe(before);
    return res.body.error as { code: string; message: string };
  }

  it('refuses to create an endpoint for a source without a normaliser, naming the known ones', async () => {
    const res = await gql(CREATE, { source: 'nosuchtool' }, ADMIN_KEY);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/^source: .*nosuchtool.*crowdstrike/);
    expect(res.errors![0].message).toContain('ocsf');
  });

  it('lets only admins manage endpoints', async () => {
    const key = await gql(
      `mutation { createApiKey(input: { name: "ana", role: ANALYST }) { secret } }`,
      {},
      ADMIN_KEY,
    );
    const analyst = key.data.createApiKey.secret as string;
    expect(errorCodes(await gql(CREATE, { source: 'crowdstrike' }, analyst))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(LIST, {}, analyst))).toEqual(['FORBIDDEN']);
  });

  it('accepts a signed CrowdStrike push (202), stores the alert, and answers a redelivery from the first result', async () => {
    const before = await alertCount();
    const body = crowdstrikeBody('first');
    const deliveryId = `falcon-${randomUUID()}`;
    const first = await push({ body, deliveryId });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 1, created: 1, deduplicated: 0, alertIds: [expect.any(String)] });
    expect(await alertCount()).toBe(before + 1);

    const alert = await gql(ALERT, { id: first.body.alertIds[0] }, ADMIN_KEY);
    expect(alert.errors).toBeUndefined();
    expect(alert.data.alert).toMatchObject({
      source: 'crowdstrike',
      sourceRef: `${CROWDSTRIKE.composite_id}-first`,
    });

    // A sender's retry re-signs with a fresh timestamp: same answer, 200, nothing new stored.
    const again = await push({ body, deliveryId, timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await alertCount()).toBe(before + 1);
  });

  it('lets only one of two concurrent copies of a delivery store anything', async () => {
    const before = await alertCount();
    const body = crowdstrikeBody('concurrent');
    const deliveryId = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    const results = await Promise.all([
      push({ body, deliveryId, timestamp }),
      push({ body, deliveryId, timestamp }),
    ]);
    // The loser waits on the winner's transaction, then gets its result back.
    expect(results.map((r) => r.status).sort()).toEqual([200, 202]);
    expect(results[0].body).toEqual(results[1].body);
    expect(await alertCount()).toBe(before + 1);
  });

  it('refuses a used delivery id with another body, and a signed request re-sent under a new id (409)', async () => {
    const body = crowdstrikeBody('replay');
    const deliveryId = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await push({ body, deliveryId, timestamp })).status).toBe(202);
    await refused({ body: crowdstrikeBody('other'), deliveryId }, 409, 'CONFLICT');
    await refused({ body, timestamp, deliveryId: randomUUID() }, 409, 'CONFLICT');
  });

  it('refuses stale and future timestamps (401)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused({ timestamp: now - 301 }, 401, 'UNAUTHENTICATED');
    await refused({ timestamp: now + 400 }, 401, 'UNAUTHENTICATED');
  });

  it('answers a bad signature, an unknown endpoint and a wrong source alike (401, one message)', async () => {
    const body = crowdstrikeBody(randomUUID());
    const messages = [
      await refused(
        { body, signature: signWebhook('not-the-secret', Math.floor(Date.now() / 1000), body) },
        401,
        'UNAUTHENTICATED',
      ),
      await refused({ body, signature: 'v1=deadbeef' }, 401, 'UNAUTHENTICATED'),
      await refused({ body, endpointId: randomUUID() }, 401, 'UNAUTHENTICATED'),
      await refused({ body, endpointId: 'not-a-uuid' }, 401, 'UNAUTHENTICATED'),
      // The crowdstrike endpoint and its valid signature, sent to the ocsf path.
      await refused({ body, source: 'ocsf' }, 401, 'UNAUTHENTICATED'),
      // The ocsf endpoint's valid signature on the crowdstrike path.
      await refused({ body, endpointId: ocsf.id, secret: ocsf.secret }, 401, 'UNAUTHENTICATED'),
    ].map((e) => e.message);
    expect(new Set(messages).size).toBe(1);
  });

  it('answers 404 for a source Cordon does not know', async () => {
    await refused({ source: 'nosuchtool' }, 404, 'NOT_FOUND');
  });

  it('refuses malformed JSON, payloads the normaliser rejects, and a missing delivery id (400)', async () => {
    const malformed = await refused({ body: '{"composite_id": ' }, 400, 'BAD_USER_INPUT');
    expect(malformed.message).toMatch(/^body: not valid JSON/);
    const rejected = await refused({ body: JSON.stringify({ composite_id: 'x' }) }, 400, 'BAD_USER_INPUT');
    expect(rejected).toMatchObject({ field: expect.any(String) });
    await refused({ deliveryId: null }, 400, 'BAD_USER_INPUT');
    await refused({ deliveryId: 'x'.repeat(129) }, 400, 'BAD_USER_INPUT');
  });

  it('refuses a body over 2 MB (413) before reading it as JSON', async () => {
    const big = JSON.stringify({ ...CROWDSTRIKE, padding: 'x'.repeat(3 * 1024 * 1024) });
    await refused({ body: big }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('accepts the raw bytes whatever the content type, and an OCSF push on its own endpoint', async () => {
    const res = await push({ contentType: 'text/plain' });
    expect(res.status).toBe(202);
    const body = JSON.stringify(OCSF, null, 2);
    const o = await push({ source: 'ocsf', endpointId: ocsf.id, secret: ocsf.secret, body });
    expect(o.status).toBe(202);
    expect(o.body).toMatchObject({ accepted: 1, created: 1 });
    const alert = await gql(ALERT, { id: o.body.alertIds[0] }, ADMIN_KEY);
    expect(alert.data.alert).toMatchObject({ source: 'ocsf', sourceRef: OCSF.finding_info.uid });
  });

  it('keeps the old secret working during the rotation overlap, and not after a rotation without one', async () => {
    const rotated = await gql(ROTATE, { id: cs.id }, ADMIN_KEY);
    expect(rotated.errors).toBeUndefined();
    const { secret, endpoint } = rotated.data.rotateWebhookSecret;
    expect(secret).not.toBe(cs.secret);
    expect(endpoint.rotatedAt).toEqual(expect.any(String));
    const overlapMs = Date.parse(endpoint.previousSecretValidUntil) - Date.now();
    expect(overlapMs).toBeGreaterThan(55 * 60_000);
    expect(overlapMs).toBeLessThanOrEqual(60 * 60_000);

    expect((await push({ secret: cs.secret })).status).toBe(202);
    expect((await push({ secret })).status).toBe(202);

    const tooLong = await gql(ROTATE, { id: cs.id, overlap: 7 * 24 * 60 + 1 }, ADMIN_KEY);
    expect(errorCodes(tooLong)).toEqual(['BAD_USER_INPUT']);

    const hard = await gql(ROTATE, { id: cs.id, overlap: 0 }, ADMIN_KEY);
    expect(hard.errors).toBeUndefined();
    const newest = hard.data.rotateWebhookSecret.secret as string;
    expect(hard.data.rotateWebhookSecret.endpoint.previousSecretValidUntil).toBeNull();
    await refused({ secret }, 401, 'UNAUTHENTICATED');
    await refused({ secret: cs.secret }, 401, 'UNAUTHENTICATED');
    expect((await push({ secret: newest })).status).toBe(202);
    cs = { id: cs.id, secret: newest };
  });

  it('never returns secrets when listing, and stops accepting pushes once revoked', async () => {
    const listed = await gql(LIST, {}, ADMIN_KEY);
    expect(listed.errors).toBeUndefined();
    expect(listed.data.webhookEndpoints.totalCount).toBe(2);
    const text = JSON.stringify(listed.data);
    expect(text).not.toContain(cs.secret);
    expect(text).not.toContain(ocsf.secret);
    expect(
      errorCodes(await gql(`query { webhookEndpoints { edges { node { secret } } } }`, {}, ADMIN_KEY)),
    ).toEqual(['BAD_USER_INPUT']);

    const revoked = await gql(REVOKE, { id: cs.id }, ADMIN_KEY);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokeWebhookEndpoint.revokedAt).toEqual(expect.any(String));
    await refused({}, 401, 'UNAUTHENTICATED');
    expect(errorCodes(await gql(ROTATE, { id: cs.id }, ADMIN_KEY))).toEqual(['CONFLICT']);

    expect((await gql(LIST, {}, ADMIN_KEY)).data.webhookEndpoints.totalCount).toBe(1);
    expect((await gql(LIST, { all: true }, ADMIN_KEY)).data.webhookEndpoints.totalCount).toBe(2);
    // The other endpoint is unaffected.
    expect(
      (
        await push({
          source: 'ocsf',
          endpointId: ocsf.id,
          secret: ocsf.secret,
          body: JSON.stringify({ ...OCSF, finding_info: { ...OCSF.finding_info, uid: 'after-revoke' } }),
        })
      ).status,
    ).toBe(202);
  });
});
