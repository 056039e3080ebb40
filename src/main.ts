import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ConfigError, loadConfig, type AppConfig, type RunMode } from './config/config';
import { AppModule, type Runtime } from './app.module';
import { startInfrastructure, type Infrastructure } from './bootstrap/infrastructure';
import { createValidationPipe } from './common/errors/validation';
import { migrateAndVerify } from './database/data-source';
import { TenancyService } from './tenancy/tenancy.service';
import { DemoService } from './demo/demo.service';
import { PlaybooksService } from './playbooks/playbooks.service';
import { AppErrorFilter } from './common/errors/app-error.filter';
import { bodyParserErrorHandler } from './common/errors/body-parser-error.handler';
import { installTemporalLogging } from './bootstrap/temporal-logging';
import { webhookBodyParser } from './webhooks/webhook-body.parser';
import { WEBHOOKS_PATH } from './webhooks/webhook-contract';
import { unstorableTextGuard } from './common/validation/unstorable-text';
import { securityHeaders } from './common/security/security-headers';
import { MetricsService } from './metrics/metrics.service';
import { startTracing } from './tracing/tracing';
import { httpServerSpans } from './tracing/http-server-span';

/** Up to 1,000 alerts per batch with their raw payloads; bigger bodies are refused before parsing. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const modeArg = process.argv[2] as RunMode | undefined;
  let config: AppConfig;
  try {
    config = loadConfig(process.env, modeArg);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const roles = { api: config.mode !== 'worker', worker: config.mode !== 'api' };
  // Before anything creates a Temporal client or worker: they add interceptors only when tracing is on.
  const tracing = startTracing(config.tracesUrl);
  if (roles.worker) installTemporalLogging(config);
  const infra: Infrastructure = await startInfrastructure(config, (m) => say(`[cordon] ${m}`));
  const runtime: Runtime = {
    config,
    databaseUrl: infra.databaseUrl,
    embeddedDatabase: infra.embeddedDatabase,
    temporal: infra.temporal,
    roles,
  };

  const module = AppModule.forRoot(runtime);
  const app = roles.api
    ? await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false })
    : await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();

  // Refuses to go on unless tenant isolation holds (roles, forced RLS on every tenant table).
  const applied = await migrateAndVerify(app.get(DataSource), {
    embedded: infra.embeddedDatabase,
    ownerUrl: config.database.ownerUrl,
  });
  if (applied.length) say(`[cordon] migrations applied: ${applied.join(', ')}`);
  await app.get(PlaybooksService).loadShipped();
  const boot = await app.get(TenancyService).bootstrap();
  const demo = config.demo && roles.api ? await app.get(DemoService).start(boot.tenantId) : null;

  if ('listen' in app) {
    const http = app as NestExpressApplication;
    http.disable('x-powered-by');
    // First, so the request's span covers everything after it (body parsing included).
    if (tracing) http.use(httpServerSpans());
    if (config.security.trustProxy !== undefined) http.set('trust proxy', config.security.trustProxy);
    http.use(securityHeaders());
    // Webhooks are verified over their exact bytes: a raw parser (2 MB) takes them before JSON does.
    http.use(WEBHOOKS_PATH, webhookBodyParser());
    http.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    // Right behind the parser, so a refused body answers a clear 413/400 in the API's shape.
    http.use(bodyParserErrorHandler(BODY_LIMIT_BYTES));
    // PostgreSQL cannot store NUL characters: refused here rather than failing a write later.
    http.use(unstorableTextGuard());
    http.useGlobalPipes(createValidationPipe());
    http.useGlobalFilters(new AppErrorFilter(http.getHttpAdapter()));
    await http.listen(config.port, config.host);
    const port = (http.getHttpServer().address() as { port: number }).port;
    say(`[cordon] GraphQL API: http://localhost:${port}/graphql`);
  } else {
    await app.init();
    const metricsUrl = app.get(MetricsService).listenerUrl;
    if (metricsUrl) say(`[cordon] metrics: ${metricsUrl}`);
    say('[cordon] worker started');
  }
  if (infra.temporalUiUrl) say(`[cordon] Temporal UI: ${infra.temporalUiUrl}`);
  if (demo) say(`[cordon] demo: capabilities bound to the vendors' fakes (${demo.join(', ')})`);
  say(`[cordon] Temporal: ${infra.temporal.address} (namespace ${infra.temporal.namespace})`);
  if (boot.newAdminKey) say(`[cordon] admin API key (shown once, keep it safe): ${boot.newAdminKey}`);
  // A key the operator chose is theirs already: it does not belong in logs.
  if (boot.adoptedBootstrapKey) say('[cordon] admin API key: the one set in CORDON_BOOTSTRAP_API_KEY');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`[cordon] ${signal}: shutting down (in-flight activities may finish)`);
    await app.close();
    // Spans still batched (the shutdown's own included) go out before the process does.
    await tracing?.shutdown().catch(() => undefined);
    await infra.stop();
    process.exit(process.exitCode ?? 0);
  };
  // Nest's own hooks close the app; these also stop the embedded database and Temporal.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[cordon] failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
