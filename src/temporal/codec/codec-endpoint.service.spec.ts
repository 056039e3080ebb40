import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Principal } from '../../auth/principal';
import { CodecEndpointService } from './codec-endpoint.service';
import { CodecException } from './codec.exception';
import { EncryptionCodec } from './payload-codec';
import { PayloadKeyring } from './payload-keys';

const MINE = '11111111-1111-4111-8111-111111111111';
const THEIRS = '22222222-2222-4222-8222-222222222222';

function admin(tenantId: string, providerAdmin = false): Principal {
  return { kind: 'apiKey', actorId: 'apikey:x', name: 'k', tenantId, role: 'admin', providerAdmin };
}

function wire(p: Payload) {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

function valueOf(p: { metadata: Record<string, string>; data: string }): unknown {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata)) metadata[k] = Buffer.from(v, 'base64');
  return defaultPayloadConverter.fromPayload({ metadata, data: Buffer.from(p.data, 'base64') });
}

describe('CodecEndpointService', () => {
  const codec = new EncryptionCodec(new PayloadKeyring(randomBytes(32)));
  const service = new CodecEndpointService(codec, {
    address: 'x',
    namespace: 'default',
    taskQueue: 'cordon',
    tls: false,
    apiKey: undefined,
  });
  const plain = defaultPayloadConverter.toPayload({ title: 'alert' });
  const sealedFor = async (tenant: string | undefined) =>
    wire(
      (
        await codec.encode(
          [plain],
          tenant ? { type: 'workflow', namespace: 'default', workflowId: `${tenant}/p/a` } : undefined,
        )
      )[0],
    );

  it("lets a tenant admin decode its own tenant's payloads, and plain ones", async () => {
    const out = service.decode(admin(MINE), 'default', [await sealedFor(MINE), wire(plain)]);
    expect(out.payloads.map(valueOf)).toEqual([{ title: 'alert' }, { title: 'alert' }]);
  });

  it("refuses another tenant's payload, and an unlabelled one, to a tenant admin", async () => {
    const theirs = await sealedFor(THEIRS);
    expect(() => service.decode(admin(MINE), 'default', [wire(plain), theirs])).toThrow(
      /payloads\[1\] belongs to another tenant's workflow/,
    );
    const unlabelled = await sealedFor(undefined);
    expect(() => service.decode(admin(MINE), undefined, [unlabelled])).toThrow(/only provider admins/);
  });

  it('lets a provider admin decode any tenant', async () => {
    const out = service.decode(admin(MINE, true), 'default', [await sealedFor(THEIRS)]);
    expect(out.payloads.map(valueOf)).toEqual([{ title: 'alert' }]);
  });

  it("seals what an admin encodes for the admin's tenant, readable back by the same admin", () => {
    const [sealed] = service.encode(admin(MINE), 'default', [wire(plain)]).payloads;
    expect(Buffer.from(sealed.metadata['encryption-tenant'], 'base64').toString()).toBe(MINE);
    expect(valueOf(service.decode(admin(MINE), 'default', [sealed]).payloads[0])).toEqual({ title: 'alert' });
  });

  it('names the namespace it serves, and a payload it cannot open', async () => {
    expect(() => service.decode(admin(MINE), 'other', [])).toThrow(/serves Temporal namespace "default"/);
    const sealed = await sealedFor(MINE);
    const tampered = { ...sealed, data: Buffer.from('x'.repeat(40)).toString('base64') };
    const err = (() => {
      try {
        service.decode(admin(MINE), 'default', [tampered]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CodecException);
    expect((err as CodecException).code).toBe('BAD_USER_INPUT');
    expect((err as Error).message).toMatch(/payloads\[0\]: .*failed authentication/);
  });
});
