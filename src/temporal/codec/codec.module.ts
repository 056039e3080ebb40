import { Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { codecCors } from './codec-cors.middleware';
import { CODEC_PATH, CodecController } from './codec.controller';
import { CodecEndpointService } from './codec-endpoint.service';

/** The remote codec endpoint (API role only); the codec itself is a core provider (PAYLOAD_CODEC). */
@Module({ controllers: [CodecController], providers: [CodecEndpointService] })
export class CodecModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // ALL methods: the preflight is an OPTIONS request, which no handler serves.
    consumer
      .apply(codecCors(this.config.codecCorsOrigins))
      .forRoutes(
        { path: `${CODEC_PATH}/encode`, method: RequestMethod.ALL },
        { path: `${CODEC_PATH}/decode`, method: RequestMethod.ALL },
      );
  }
}
