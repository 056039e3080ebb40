import { type DynamicModule, Global, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import * as path from 'node:path';
import type { ExecutionResult } from 'graphql';
import { APP_CONFIG, type AppConfig } from './config/config';
import { projectRoot } from './config/paths';
import { dataSourceOptions } from './database/data-source';
import { TenantDb } from './database/tenant-db';
import { TEMPORAL_ENDPOINT, type TemporalEndpoint } from './temporal/temporal-endpoint';
import { TemporalClientService } from './temporal/temporal-client.service';
import { PAYLOAD_CODEC, payloadCodecProvider } from './temporal/codec/payload-codec.provider';
import { EventBus } from './events/event-bus';
import { EVENT_RELAY_URL, PgEventRelay } from './events/pg-event-relay';
import { graphqlContext } from './common/graphql/graphql-context';
import { WorkerService } from './temporal/worker.service';
import { formatGraphqlError } from './common/errors/graphql-error.formatter';
import { requestIdPlugin } from './common/errors/request-id.plugin';
import { depthLimitRule, queryCostPlugin, socketValidation } from './common/graphql/query-limits';
import { RateLimitModule } from './common/security/rate-limit';
import { loggerOptions } from './bootstrap/logging';
import { AuthModule } from './auth/auth.module';
import { AlertsModule } from './alerts/alerts.module';
import { CasesModule } from './cases/cases.module';
import { RunsModule } from './runs/runs.module';
import { PlaybooksModule } from './playbooks/playbooks.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { HealthModule } from './health/health.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { CodecModule } from './temporal/codec/codec.module';
import { AuditModule } from './audit/audit.module';
import { MetricsModule } from './metrics/metrics.module';

export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  embeddedDatabase: boolean;
  temporal: TemporalEndpoint;
  roles: { api: boolean; worker: boolean };
}

/** Process-wide singletons every module may inject: config, Temporal endpoint and client, tenant-scoped DB access. */
@Global()
@Module({})
class CoreModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: TEMPORAL_ENDPOINT, useValue: runtime.temporal },
        TenantDb,
        payloadCodecProvider,
        TemporalClientService,
        EventBus,
        // One process holds everything in embedded mode; otherwise events cross processes via PostgreSQL.
        { provide: EVENT_RELAY_URL, useValue: runtime.embeddedDatabase ? null : runtime.databaseUrl },
        PgEventRelay,
      ],
      exports: [APP_CONFIG, TEMPORAL_ENDPOINT, PAYLOAD_CODEC, TenantDb, TemporalClientService, EventBus],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const security = runtime.config.security;
    const api = runtime.roles.api
      ? [
          GraphQLModule.forRoot<ApolloDriverConfig>({
            driver: ApolloDriver,
            // Embedded (development) runs keep the committed schema.gql current; servers build it in memory.
            autoSchemaFile:
              runtime.config.mode === 'embedded' ? path.join(projectRoot(), 'schema.gql') : true,
            sortSchema: true,
            playground: false,
            // Hardening (issue 7): no schema discovery in production, cross-site requests refused,
            // deep or costly operations rejected before any resolver runs.
            introspection: !security.production,
            hideSchemaDetailsFromClientErrors: security.production,
            csrfPrevention: true,
            validationRules: [depthLimitRule(security.graphql.maxDepth)],
            plugins: [queryCostPlugin(security.graphql), requestIdPlugin()],
            context: graphqlContext,
            // graphql-ws; the API key goes in connectionParams.authorization ("Bearer …").
            subscriptions: {
              'graphql-ws': {
                path: '/graphql',
                // graphql-ws's own `validate` option: Nest hands every option through, though its
                // type names only some.
                ...({
                  validate: socketValidation({ ...security.graphql, introspection: !security.production }),
                } as object),
                // The same error mapping as HTTP: typed codes kept, anything unexpected masked.
                onNext: (
                  _ctx: unknown,
                  _id: string,
                  _payload: unknown,
                  _args: unknown,
                  result: ExecutionResult,
                ) =>
                  result.errors
                    ? { ...result, errors: result.errors.map((e) => formatGraphqlError(e.toJSON(), e)) }
                    : result,
              },
            },
            formatError: formatGraphqlError,
          }),
          HealthModule,
          WebhooksModule,
          CodecModule,
        ]
      : [];
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(runtime.config)),
        CoreModule.forRoot(runtime),
        RateLimitModule.forRoot(security),
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: runtime.databaseUrl,
            poolSize: runtime.config.database.poolSize,
            embedded: runtime.embeddedDatabase,
          }),
        ),
        AuditModule,
        AuthModule,
        CasesModule,
        PlaybooksModule,
        RunsModule,
        AlertsModule,
        ApprovalsModule,
        IntegrationsModule,
        MetricsModule.forRoot(runtime.roles.api),
        ...api,
      ],
      providers: runtime.roles.worker ? [WorkerService] : [],
    };
  }
}
