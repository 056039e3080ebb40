import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({})
export class MetricsModule {
  /** `api`: the process has the API's HTTP server, which serves /metrics. */
  static forRoot(api: boolean): DynamicModule {
    return {
      module: MetricsModule,
      controllers: api ? [MetricsController] : [],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }
}
