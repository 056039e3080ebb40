import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  TENANT_METADATA,
  isEncrypted,
  tenantOfWorkflow,
} from './payload-codec';
import { derivePayloadKey, PayloadKeyring } from './payload-keys';
import { failureConverter } from './failure-converter';

const TENANT = '3f2b8c1e-5a4d-4e6f-8a9b-0c1d2e3f4a5b';
const ALERT = { title: 'Ransomware on WS-01', observables: [{ type: 'HOSTNAME', value: 'WS-01' }] };
const workflow = { type: 'workflow' as const, namespace: 'default', workflowId: `${TENANT}/contain-host/a1` };

function text(value: Uint8Array | null | undefined): string {
  return Buffer.from(value ?? new Uint8Array()).toString('utf8');
}

describe('EncryptionCodec', () => {
  const master = randomBytes(32);
  const codec = new EncryptionCodec(new PayloadKeyring(master));
  const plain = defaultPayloadConverter.toPayload(ALERT);

  it('round-trips a payload, hiding its data and its original metadata', async () => {
    const [sealed] = await codec.encode([plain], workflow);
    expect(text(sealed.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe(derivePayloadKey(master).id);
    expect(text(sealed.metadata?.[TENANT_METADATA])).toBe(TENANT);
    expect(text(sealed.data)).not.toContain('WS-01');
    expect(text(sealed.data)).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed]);
    expect(text(opened.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(ALERT);
  });

  it('uses a fresh IV for every payload', async () => {
    const [a, b] = await codec.encode([plain, plain], workflow);
    expect(Buffer.from(a.data!).subarray(0, 12)).not.toEqual(Buffer.from(b.data!).subarray(0, 12));
    expect(Buffer.from(a.data!)).not.toEqual(Buffer.from(b.data!));
  });

  it('keeps payloads without data or metadata intact', async () => {
    const empty: Payload = { metadata: { encoding: Buffer.from('binary/null') } };
    const [opened] = await codec.decode(await codec.encode([empty]));
    expect(text(opened.metadata?.encoding)).toBe('binary/null');
    expect(opened.data?.length ?? 0).toBe(0);
  });

  it('leaves a payload without a workflow unlabelled', async () => {
    const [sealed] = await codec.encode([plain]);
    expect(sealed.metadata?.[TENANT_METADATA]).toBeUndefined();
    expect(defaultPayloadConverter.fromPayload((await codec.decode([sealed]))[0])).toEqual(ALERT);
  });

  it('passes plain payloads (histories older than the codec) through unchanged on decode', async () => {
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
    expect(isEncrypted(plain)).toBe(false);
  });

  it('decodes payloads written under a previous master key after rotation, and seals with the new one', async () => {
    const oldMaster = randomBytes(32);
    const [old] = await new EncryptionCodec(new PayloadKeyring(oldMaster)).encode([plain], workflow);
    const newMaster = randomBytes(32);
    const rotated = new EncryptionCodec(new PayloadKeyring(newMaster, [oldMaster]));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toEqual(ALERT);
    const [fresh] = await rotated.encode([plain], workflow);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe(derivePayloadKey(newMaster).id);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).not.toBe(derivePayloadKey(oldMaster).id);
  });

  it('names the key id it does not have', async () => {
    const other = randomBytes(32);
    const [foreign] = await new EncryptionCodec(new PayloadKeyring(other)).encode([plain], workflow);
    const id = derivePayloadKey(other).id;
    await expect(codec.decode([foreign])).rejects.toThrow(new RegExp(`unknown key id "${id}"`));
  });

  it('refuses tampered ciphertext', async () => {
    const [sealed] = await codec.encode([plain], workflow);
    const data = Buffer.from(sealed.data!);
    data[data.length - 1] ^= 0x01;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow(/failed authentication/);
  });

  it('refuses a payload relabelled as another tenant', async () => {
    const [sealed] = await codec.encode([plain], workflow);
    const relabelled = {
      ...sealed,
      metadata: {
        ...sealed.metadata,
        [TENANT_METADATA]: Buffer.from('00000000-0000-0000-0000-000000000000'),
      },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('derives a payload key distinct from the master key, with a stable short id', () => {
    const a = derivePayloadKey(master);
    expect(a.key.equals(master)).toBe(false);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(derivePayloadKey(master).id).toBe(a.id);
    expect(() => derivePayloadKey(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('reads the tenant from a workflow id, and nothing from other ids', () => {
    expect(tenantOfWorkflow(`${TENANT}/p/a`)).toBe(TENANT);
    expect(tenantOfWorkflow(`${TENANT.toUpperCase()}/p/a`)).toBe(TENANT);
    expect(tenantOfWorkflow('bench-bare-1-2-3')).toBeUndefined();
    expect(tenantOfWorkflow(undefined)).toBeUndefined();
  });
});

describe('failureConverter', () => {
  it('moves an error message and stack into a payload the codec seals', async () => {
    const codec = new EncryptionCodec(new PayloadKeyring(randomBytes(32)));
    const failure = failureConverter.errorToFailure(
      new Error('vendor said: host WS-01 not found'),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace ?? '').toBe('');
    const [sealed] = await codec.encode([failure.encodedAttributes!], workflow);
    expect(text(sealed.data)).not.toContain('WS-01');
    const restored = failureConverter.failureToError(
      { ...failure, encodedAttributes: (await codec.decode([sealed]))[0] },
      defaultPayloadConverter,
    );
    expect(restored.message).toBe('vendor said: host WS-01 not found');
  });
});
