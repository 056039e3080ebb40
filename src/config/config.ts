import * as path from 'node:path';

/**
 * The one place that reads the environment. Everything else receives a validated AppConfig,
 * so a wrong setting stops the process at start with a message that names it.
 */
export type RunMode = 'embedded' | 'api' | 'worker';

export interface AppConfig {
  mode: RunMode;
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: {
    /** Unset → embedded PGlite under dataDir. */
    url: string | undefined;
    poolSize: number;
  };
  temporal: {
    /** Unset in embedded mode → a dev server is started under dataDir. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    devServerPort: number;
    devServerUiPort: number;
    apiKey: string | undefined;
    tls: boolean;
    maxCachedWorkflows: number;
  };
  bootstrapApiKey: string | undefined;
  /** 32-byte key-encryption key for connection secrets (base64). */
  masterKey: string | undefined;
  integrationsPath: string[];
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MODES = ['embedded', 'api', 'worker'] as const;

function intSetting(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env, modeArg?: string): AppConfig {
  const problems: string[] = [];
  const mode = modeArg ? oneOf({ MODE: modeArg }, 'MODE', MODES, 'embedded', problems) : 'embedded';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const temporalAddress = env.TEMPORAL_ADDRESS || undefined;
  if (mode !== 'embedded') {
    if (!databaseUrl) problems.push(`DATABASE_URL is required in ${mode} mode`);
    if (!temporalAddress) problems.push(`TEMPORAL_ADDRESS is required in ${mode} mode`);
  }
  const bootstrapApiKey = env.CORDON_BOOTSTRAP_API_KEY || undefined;
  if (bootstrapApiKey !== undefined && !/^[A-Za-z0-9_-]{24,128}$/.test(bootstrapApiKey)) {
    problems.push('CORDON_BOOTSTRAP_API_KEY must be 24-128 characters of A-Z a-z 0-9 _ -');
  }
  const masterKey = env.CORDON_MASTER_KEY || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    problems.push('CORDON_MASTER_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  const dataDir = path.resolve(env.CORDON_DATA_DIR || '.cordon');

  const config: AppConfig = {
    mode,
    port: intSetting(env, 'PORT', 3000, 0, 65535, problems),
    host: env.HOST || '0.0.0.0',
    dataDir,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems),
    database: {
      url: databaseUrl,
      poolSize: intSetting(env, 'DATABASE_POOL_SIZE', 10, 1, 200, problems),
    },
    temporal: {
      address: temporalAddress,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE || 'cordon',
      cliPath: env.TEMPORAL_CLI_PATH || undefined,
      devServerPort: intSetting(env, 'TEMPORAL_DEV_PORT', 7233, 0, 65535, problems),
      devServerUiPort: intSetting(env, 'TEMPORAL_DEV_UI_PORT', 8233, 0, 65535, problems),
      apiKey: env.TEMPORAL_API_KEY || undefined,
      tls: env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_API_KEY,
      maxCachedWorkflows: intSetting(env, 'TEMPORAL_MAX_CACHED_WORKFLOWS', 500, 0, 100_000, problems),
    },
    bootstrapApiKey,
    masterKey,
    integrationsPath: (env.INTEGRATIONS_PATH || '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((p) => path.resolve(p)),
    shutdownGraceMs: intSetting(env, 'SHUTDOWN_GRACE_MS', 30_000, 0, 600_000, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
