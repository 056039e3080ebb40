import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { framePayload, unframePayload } from './payload-framing';
import type { PayloadKeyring } from './payload-keys';

/**
 * Encrypts every payload Cordon hands to Temporal (workflow inputs and results, activity
 * arguments and results, signals, updates, queries) with AES-256-GCM, so alerts, case data and
 * anything an activity returns never sit in clear in Temporal's history (issue 7). Runs in the
 * client and the worker, outside the workflow sandbox: workflow code sees plain values.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** The tenant whose workflow owns the payload, authenticated with it; the codec endpoint's access check. */
export const TENANT_METADATA = 'encryption-tenant';

const IV_BYTES = 12;
const TAG_BYTES = 16;
// Workflow ids are `<tenantId>/…` (runs, children and manual runs alike).
const TENANT_PREFIX = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

export class PayloadCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeyring) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const tenant = tenantOfWorkflow(context?.workflowId);
    return payloads.map((p) => this.seal(p, tenant));
  }

  /** Payloads written before the codec existed (or by another client) pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncrypted(p) ? this.open(p) : p));
  }

  /** Seals under the current key, labelled with `tenant` (undefined: no workflow, operators only). */
  seal(payload: Payload, tenant: string | undefined): Payload {
    const { id, key } = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(id, tenant));
    const body = Buffer.concat([cipher.update(framePayload(payload)), cipher.final()]);
    const metadata: Record<string, Uint8Array> = {
      encoding: utf8(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: utf8(id),
    };
    if (tenant) metadata[TENANT_METADATA] = utf8(tenant);
    return { metadata, data: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body])) };
  }

  open(payload: Payload): Payload {
    const id = metadataText(payload, KEY_ID_METADATA);
    if (!id) throw new PayloadCodecError(`an encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const found = this.keys.find(id);
    if (!found) {
      throw new PayloadCodecError(
        `payload encrypted with unknown key id "${id}" (this server has ${this.keys.ids.join(', ')}); ` +
          'add the master key it was written under to CORDON_MASTER_KEY_PREVIOUS',
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES)
      throw new PayloadCodecError(`encrypted payload (key id "${id}") is too short to hold a ciphertext`);
    const decipher = createDecipheriv('aes-256-gcm', found.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(id, tenantLabel(payload)));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError(
        `encrypted payload (key id "${id}") failed authentication: its data or metadata was altered`,
      );
    }
    return unframePayload(plain);
  }
}

export function isEncrypted(payload: Payload): boolean {
  return metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;
}

/** The tenant an encrypted payload is labelled with (authenticated when it is opened). */
export function tenantLabel(payload: Payload): string | undefined {
  return metadataText(payload, TENANT_METADATA);
}

export function tenantOfWorkflow(workflowId: string | undefined): string | undefined {
  return workflowId ? TENANT_PREFIX.exec(workflowId)?.[1]?.toLowerCase() : undefined;
}

// The key id and tenant label sit in clear metadata; binding them here means neither can be
// swapped, so one tenant's payload cannot be relabelled as another's to pass the endpoint's check.
function associatedData(keyId: string, tenant: string | undefined): Buffer {
  return Buffer.from(`cordon/temporal-payload/v1\n${keyId}\n${tenant ?? ''}`, 'utf8');
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
