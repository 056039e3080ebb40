import { Inject, Injectable } from '@nestjs/common';
import type { Payload } from '@temporalio/common';
import type { Principal } from '../../auth/principal';
import { TEMPORAL_ENDPOINT, type TemporalEndpoint } from '../temporal-endpoint';
import { CodecException } from './codec.exception';
import type { CodecPayloadDto, CodecResponse } from './dto/codec-request.dto';
import { type EncryptionCodec, isEncrypted, PayloadCodecError, tenantLabel } from './payload-codec';
import { PAYLOAD_CODEC } from './payload-codec.provider';

/**
 * Temporal's remote codec protocol for the CLI (`--codec-endpoint`) and the UI: the same codec
 * the workers use, behind Cordon's API keys.
 *
 * Who may decode what: the protocol carries no workflow id, so the endpoint cannot ask Temporal
 * which workflow a payload came from. Instead every payload Cordon seals is labelled with the
 * tenant of the workflow that owns it (from its `<tenantId>/…` id), and the label is bound into
 * the ciphertext, so it cannot be swapped. A tenant admin may decode their own tenant's payloads;
 * anything else — another tenant's, or unlabelled ones (none of Cordon's own workflows) — needs a
 * provider admin, the MDR operator who already runs the shared Temporal for every tenant.
 */
@Injectable()
export class CodecEndpointService {
  constructor(
    @Inject(PAYLOAD_CODEC) private readonly codec: EncryptionCodec,
    @Inject(TEMPORAL_ENDPOINT) private readonly endpoint: TemporalEndpoint,
  ) {}

  /** Sealed for the caller's tenant: what an admin sends (a signal from the CLI) is theirs. */
  encode(principal: Principal, namespace: string | undefined, payloads: CodecPayloadDto[]): CodecResponse {
    this.assertNamespace(namespace);
    return { payloads: payloads.map((p) => toWire(this.codec.seal(fromWire(p), principal.tenantId))) };
  }

  decode(principal: Principal, namespace: string | undefined, payloads: CodecPayloadDto[]): CodecResponse {
    this.assertNamespace(namespace);
    const wire = payloads.map(fromWire);
    // Refuse the whole request before opening anything: no partial answer for a mixed batch.
    wire.forEach((p, i) => {
      if (!isEncrypted(p) || principal.providerAdmin) return;
      const tenant = tenantLabel(p);
      if (tenant !== principal.tenantId) throw CodecException.notYours(i, tenant !== undefined);
    });
    return {
      payloads: wire.map((p, i) => {
        if (!isEncrypted(p)) return toWire(p);
        try {
          return toWire(this.codec.open(p));
        } catch (err) {
          if (err instanceof PayloadCodecError) throw CodecException.undecodable(i, err.message);
          throw err;
        }
      }),
    };
  }

  private assertNamespace(namespace: string | undefined): void {
    if (namespace !== undefined && namespace !== '' && namespace !== this.endpoint.namespace)
      throw CodecException.wrongNamespace(namespace, this.endpoint.namespace);
  }
}

function fromWire(p: CodecPayloadDto): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata)) metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
}

function toWire(p: Payload): CodecResponse['payloads'][number] {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {}))
    metadata[k] = Buffer.from(v ?? new Uint8Array()).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}
