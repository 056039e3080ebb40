import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { EncryptionCodec } from './payload-codec';
import { payloadKeyring } from './payload-keys';

/** Nest injection token for the one EncryptionCodec every Temporal client and worker uses. */
export const PAYLOAD_CODEC = Symbol('PAYLOAD_CODEC');

export const payloadCodecProvider: Provider = {
  provide: PAYLOAD_CODEC,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new EncryptionCodec(payloadKeyring(config)),
};
