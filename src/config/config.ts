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
    /**
     * The schema owner, for migrations only (DATABASE_OWNER_URL); DATABASE_URL's login then owns
     * nothing. Unset → DATABASE_URL's login migrates (it owns the schema) and, like every login,
     * switches to cordon_app / cordon_system per transaction.
     */
    ownerUrl: string | undefined;
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
  /** CORDON_DEMO=1: the first tenant's capabilities are bound to the vendors' fakes, run in-process. */
  demo: boolean;
  /** 32-byte key-encryption key for connection secrets (base64). */
  masterKey: string | undefined;
  /**
   * Retired master keys (base64, CORDON_MASTER_KEY_PREVIOUS, comma-separated): decrypt only, so
   * data written under them stays readable while a rotation moves it to masterKey.
   */
  masterKeyPrevious: string[];
  /**
   * Browser origins allowed to call the Temporal payload codec endpoint (CORDON_CODEC_CORS_ORIGINS,
   * comma-separated, e.g. the Temporal UI's https://temporal.example.com). Empty: no cross-origin use.
   */
  codecCorsOrigins: string[];
  integrationsPath: string[];
  shutdownGraceMs: number;
  security: SecurityConfig;
  /** Where people reach this server: the base of links sent out (approval decision links). */
  publicUrl: string;
  /** Users signing in with JWTs from an OpenID Connect provider; undefined: API keys only. */
  oidc: OidcConfig | undefined;
  /**
   * Embedded mode only (CORDON_LOCAL_TOKENS, on there by default): Cordon signs HS256 tokens of
   * its own for local users, so one machine needs no identity provider. Replicas would not share
   * the key, and production has a provider: elsewhere it is refused.
   */
  localTokens: boolean;
  metrics: MetricsConfig;
  /** OTLP/HTTP traces URL (…/v1/traces); unset: no tracing at all. */
  tracesUrl: string | undefined;
}

export interface MetricsConfig {
  /** CORDON_METRICS_TOKEN: when set, scrapers must send it as a bearer token; otherwise /metrics is public like /health. */
  token: string | undefined;
  /** CORDON_METRICS_PORT: the worker process has no HTTP server, so it serves /metrics on this port (0: any free one). */
  port: number;
}

export interface OidcConfig {
  /** The `iss` every token must carry (CORDON_OIDC_ISSUER). */
  issuer: string;
  /** The `aud` every token must include: this server's client id at the provider. */
  audience: string;
  /** Where the provider publishes its signing keys; refetched when a token names an unknown key. */
  jwksUrl: string;
  /** Asymmetric algorithms only: a shared-secret (HS*) or `none` token is never a provider's. */
  algorithms: string[];
  /** Claims holding the user's e-mail and display name (providers differ). */
  emailClaim: string;
  nameClaim: string;
  /** Least seconds between JWKS refetches prompted by unknown key ids (a flood fetches once). */
  jwksCooldownSeconds: number;
}

/** What a provider may sign with; HS* and none are refused outright. */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export interface SecurityConfig {
  /** NODE_ENV=production: no introspection, no field suggestions in errors. */
  production: boolean;
  graphql: { maxDepth: number; maxComplexity: number; maxPageSize: number };
  /** Requests per minute; 0 switches a limit off. */
  rateLimits: { mutations: number; approvals: number; webhooks: number; failedLogins: number };
  /**
   * Express's `trust proxy` (CORDON_TRUST_PROXY: a hop count, or addresses/subnets of the proxies),
   * so that per-address limits see the client, not the load balancer. Unset: trust none.
   */
  trustProxy: number | string | undefined;
  outbound: {
    /** Loopback, link-local and private addresses allowed for connections (local fakes, tests). */
    allowPrivate: boolean;
    /** Host patterns ("*.example.com", "10.1.2.3", "10.0.0.0/8") a connection may reach; empty: any public host. */
    allowlist: string[];
  };
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

function flag(env: Env, name: string, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  problems.push(`${name} must be 1/true or 0/false, got "${raw}"`);
  return false;
}

/** 32 bytes in base64; stricter than Buffer.from, which skips characters it does not know. */
function isBase64Key(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

export function loadConfig(env: Env = process.env, modeArg?: string): AppConfig {
  const problems: string[] = [];
  const mode = modeArg ? oneOf({ MODE: modeArg }, 'MODE', MODES, 'embedded', problems) : 'embedded';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const databaseOwnerUrl = env.DATABASE_OWNER_URL || undefined;
  if (databaseOwnerUrl && !/^postgres(ql)?:\/\//.test(databaseOwnerUrl)) {
    problems.push('DATABASE_OWNER_URL must be a postgres:// or postgresql:// URL');
  }
  if (databaseOwnerUrl && !databaseUrl) problems.push('DATABASE_OWNER_URL needs DATABASE_URL as well');
  const temporalAddress = env.TEMPORAL_ADDRESS || undefined;
  if (mode !== 'embedded') {
    if (!databaseUrl) problems.push(`DATABASE_URL is required in ${mode} mode`);
    if (!temporalAddress) problems.push(`TEMPORAL_ADDRESS is required in ${mode} mode`);
  }
  const bootstrapApiKey = env.CORDON_BOOTSTRAP_API_KEY || undefined;
  const demo = flag(env, 'CORDON_DEMO', problems);
  if (bootstrapApiKey !== undefined && !/^[A-Za-z0-9_-]{24,128}$/.test(bootstrapApiKey)) {
    problems.push('CORDON_BOOTSTRAP_API_KEY must be 24-128 characters of A-Z a-z 0-9 _ -');
  }
  const masterKey = env.CORDON_MASTER_KEY || undefined;
  if (masterKey !== undefined && !isBase64Key(masterKey)) {
    problems.push('CORDON_MASTER_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  const masterKeyPrevious = (env.CORDON_MASTER_KEY_PREVIOUS || '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  masterKeyPrevious.forEach((key, i) => {
    if (!isBase64Key(key)) {
      problems.push(
        `CORDON_MASTER_KEY_PREVIOUS: key ${i + 1} of ${masterKeyPrevious.length} must be 32 bytes, base64-encoded`,
      );
    }
  });
  const codecCorsOrigins = (env.CORDON_CODEC_CORS_ORIGINS || '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of codecCorsOrigins.filter((o) => !/^https?:\/\/[^\s/]+$/.test(o)))
    problems.push(
      `CORDON_CODEC_CORS_ORIGINS: "${origin}" is not an origin like https://temporal.example.com`,
    );
  const dataDir = path.resolve(env.CORDON_DATA_DIR || '.cordon');
  const publicUrl = env.CORDON_PUBLIC_URL || undefined;
  const metricsToken = env.CORDON_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push('CORDON_METRICS_TOKEN must be 16-256 printable characters without spaces');
  }
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl)) {
    problems.push('CORDON_PUBLIC_URL must be an http(s) URL, e.g. https://cordon.example.com');
  }

  const oidc = oidcSettings(env, problems);
  const localTokens = env.CORDON_LOCAL_TOKENS
    ? flag(env, 'CORDON_LOCAL_TOKENS', problems)
    : mode === 'embedded';
  if (localTokens && mode !== 'embedded')
    problems.push(`CORDON_LOCAL_TOKENS is for embedded mode only, not ${mode}: use an OIDC provider`);

  const config: AppConfig = {
    mode,
    port: intSetting(env, 'PORT', 3000, 0, 65535, problems),
    host: env.HOST || '0.0.0.0',
    dataDir,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems),
    database: {
      url: databaseUrl,
      ownerUrl: databaseOwnerUrl,
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
    demo,
    masterKey,
    masterKeyPrevious,
    codecCorsOrigins,
    integrationsPath: (env.INTEGRATIONS_PATH || '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((p) => path.resolve(p)),
    shutdownGraceMs: intSetting(env, 'SHUTDOWN_GRACE_MS', 30_000, 0, 600_000, problems),
    security: {
      production: env.NODE_ENV === 'production',
      graphql: {
        maxDepth: intSetting(env, 'GRAPHQL_MAX_DEPTH', 12, 2, 100, problems),
        maxComplexity: intSetting(env, 'GRAPHQL_MAX_COMPLEXITY', 50_000, 10, 10_000_000, problems),
        maxPageSize: intSetting(env, 'GRAPHQL_MAX_PAGE_SIZE', 200, 1, 10_000, problems),
      },
      rateLimits: {
        mutations: intSetting(env, 'CORDON_RATE_LIMIT_MUTATIONS', 1200, 0, 1_000_000, problems),
        approvals: intSetting(env, 'CORDON_RATE_LIMIT_APPROVALS', 300, 0, 1_000_000, problems),
        webhooks: intSetting(env, 'CORDON_RATE_LIMIT_WEBHOOKS', 1200, 0, 1_000_000, problems),
        failedLogins: intSetting(env, 'CORDON_RATE_LIMIT_FAILED_LOGINS', 30, 0, 1_000_000, problems),
      },
      trustProxy: !env.CORDON_TRUST_PROXY
        ? undefined
        : /^\d+$/.test(env.CORDON_TRUST_PROXY)
          ? Number(env.CORDON_TRUST_PROXY)
          : env.CORDON_TRUST_PROXY,
      outbound: {
        // The demo's fakes listen on 127.0.0.1.
        allowPrivate: flag(env, 'CORDON_ALLOW_PRIVATE_CONNECTIONS', problems) || demo,
        allowlist: (env.CORDON_CONNECTION_ALLOWLIST || '')
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      },
    },
    publicUrl: '',
    oidc,
    localTokens,
    metrics: {
      token: metricsToken,
      // 9464: the port Prometheus exporters of OpenTelemetry use by convention.
      port: intSetting(env, 'CORDON_METRICS_PORT', 9464, 0, 65535, problems),
    },
    tracesUrl: tracesUrl(env, problems),
  };
  config.publicUrl = (publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

const OIDC_CORE = ['CORDON_OIDC_ISSUER', 'CORDON_OIDC_AUDIENCE', 'CORDON_OIDC_JWKS_URL'] as const;
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;

/** The three core settings come together or not at all; half a provider would fail every login. */
function oidcSettings(env: Env, problems: string[]): OidcConfig | undefined {
  const [issuer, audience, jwksUrl] = OIDC_CORE.map((name) => env[name]?.trim() || undefined);
  const set = OIDC_CORE.filter((name) => env[name]?.trim());
  if (set.length === 0) {
    const stray = Object.keys(env).filter((k) => k.startsWith('CORDON_OIDC_') && env[k]);
    if (stray.length)
      problems.push(
        `${stray.join(', ')} set without CORDON_OIDC_ISSUER, CORDON_OIDC_AUDIENCE and CORDON_OIDC_JWKS_URL`,
      );
    return undefined;
  }
  if (set.length < OIDC_CORE.length) {
    const missing = OIDC_CORE.filter((name) => !set.includes(name));
    problems.push(`${missing.join(', ')} must be set too: the OIDC settings go together (or none)`);
    return undefined;
  }
  // OIDC issuers are URLs; tokens must carry this exact string as `iss`.
  if (!isHttpUrl(issuer!)) problems.push(`CORDON_OIDC_ISSUER must be an http(s) URL, got "${issuer}"`);
  if (!isHttpUrl(jwksUrl!)) problems.push(`CORDON_OIDC_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
  const algorithms = (env.CORDON_OIDC_ALGORITHMS || 'RS256,ES256,PS256,EdDSA')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const refused = algorithms.filter((a) => !(OIDC_ALGORITHMS as readonly string[]).includes(a));
  if (refused.length || !algorithms.length)
    problems.push(
      `CORDON_OIDC_ALGORITHMS may list only ${OIDC_ALGORITHMS.join(', ')}, got "${env.CORDON_OIDC_ALGORITHMS}"`,
    );
  const claim = (name: string, fallback: string) => {
    const value = env[name]?.trim() || fallback;
    if (!CLAIM_NAME.test(value)) problems.push(`${name} must be a claim name, got "${value}"`);
    return value;
  };
  return {
    issuer: issuer!,
    audience: audience!,
    jwksUrl: jwksUrl!,
    algorithms,
    emailClaim: claim('CORDON_OIDC_EMAIL_CLAIM', 'email'),
    nameClaim: claim('CORDON_OIDC_NAME_CLAIM', 'name'),
    jwksCooldownSeconds: intSetting(env, 'CORDON_OIDC_JWKS_COOLDOWN_SECONDS', 30, 0, 3600, problems),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The standard OpenTelemetry variables: the traces endpoint as given, or the base endpoint with
 * the signal's path appended (as the OTLP exporters define it).
 */
function tracesUrl(env: Env, problems: string[]): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
  const name = traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const raw = traces ?? base;
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(raw)) {
    problems.push(`${name} must be an http(s) URL (OTLP over HTTP), e.g. http://collector:4318`);
    return undefined;
  }
  return traces ?? `${raw.replace(/\/+$/, '')}/v1/traces`;
}

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
