import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { EncryptionCodec } from './codec/payload-codec';
import { PAYLOAD_CODEC } from './codec/payload-codec.provider';
import { cordonDataConverter } from './codec/data-converter';
import { SEARCH_ATTRIBUTES, TEMPORAL_ENDPOINT, type TemporalEndpoint } from './temporal-endpoint';
import { clientTracingInterceptors } from '../tracing/temporal-tracing';

/**
 * The API side's Temporal client: starts runs, sends approval updates, answers readiness. Its
 * connection is the native one a worker uses, and a worker in the same process shares it: a run
 * started here is then handed to that worker in the start's own answer (eager workflow start),
 * with no trip through the server's task queue. Where no worker shares it, starts are ordinary.
 */
@Injectable()
export class TemporalClientService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalClientService.name);
  private _connection?: NativeConnection;
  private _client?: Client;
  /** Search attributes the namespace knows; runs are tagged only with these. */
  registeredSearchAttributes = new Set<string>();

  constructor(
    @Inject(TEMPORAL_ENDPOINT) readonly endpoint: TemporalEndpoint,
    @Inject(PAYLOAD_CODEC) private readonly codec: EncryptionCodec,
  ) {}

  async onModuleInit(): Promise<void> {
    this._connection = await NativeConnection.connect({
      address: this.endpoint.address,
      tls: this.endpoint.tls ? {} : undefined,
      apiKey: this.endpoint.apiKey,
    });
    this._client = new Client({
      connection: this._connection,
      namespace: this.endpoint.namespace,
      // Inputs, signals and updates are sealed before they leave the process (issue 7).
      dataConverter: cordonDataConverter(this.codec),
      interceptors: { workflow: clientTracingInterceptors() },
    });
    try {
      const res = await this._connection.operatorService.listSearchAttributes({
        namespace: this.endpoint.namespace,
      });
      const known = new Set(Object.keys(res.customAttributes ?? {}));
      for (const name of Object.keys(SEARCH_ATTRIBUTES))
        if (known.has(name)) this.registeredSearchAttributes.add(name);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'cannot list search attributes; runs will not be tagged',
      );
    }
    const missing = Object.keys(SEARCH_ATTRIBUTES).filter((n) => !this.registeredSearchAttributes.has(n));
    if (missing.length) {
      this.logger.warn(
        `search attributes ${missing.join(', ')} are not registered in namespace ${this.endpoint.namespace}: ` +
          `temporal operator search-attribute create --name <Name> --type Keyword`,
      );
    }
  }

  /** For the worker in this process: one connection, so the server may hand it runs eagerly. */
  get connection(): NativeConnection {
    if (!this._connection) throw new Error('Temporal connection used before it connected');
    return this._connection;
  }

  get client(): Client {
    if (!this._client) throw new Error('Temporal client used before it connected');
    return this._client;
  }

  async ping(): Promise<void> {
    await this.client.workflowService.getSystemInfo({});
  }

  async onApplicationShutdown(): Promise<void> {
    // After every module's beforeApplicationShutdown: the worker sharing it has stopped.
    await this._connection?.close();
  }
}
