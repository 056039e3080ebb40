import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { startMetricsListener, type MetricsListener } from './metrics-listener';
import { enableProcessMetrics } from './metrics.registry';

/** Turns process metrics on and, in a process without the API's HTTP server, serves /metrics itself. */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  private listener?: MetricsListener;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    enableProcessMetrics();
    if (this.config.mode === 'worker') {
      this.listener = await startMetricsListener({
        host: this.config.host,
        port: this.config.metrics.port,
        token: this.config.metrics.token,
      });
    }
  }

  /** Where the worker's own listener serves /metrics; undefined where the API serves it. */
  get listenerUrl(): string | undefined {
    return this.listener?.url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }
}
