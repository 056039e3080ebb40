import type { HttpClient } from './http-client';

/** JSON Schema subset used to describe settings, secrets and action inputs/outputs. */
export interface JsonSchema {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'null';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  format?: string;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
}

export type IntegrationCategory = 'edr' | 'identity' | 'firewall' | 'email' | 'intel' | 'notify' | 'chat';

export interface SettingSpec {
  description: string;
  type: 'string' | 'number' | 'boolean';
  required?: boolean;
  default?: string | number | boolean;
}

export interface SecretSpec {
  description: string;
  required?: boolean;
}

export interface IntegrationManifest {
  /** Folder name under integrations/, e.g. "crowdstrike-falcon". */
  id: string;
  vendor: string;
  product: string;
  category: IntegrationCategory;
  version: string;
  docsUrl: string;
  description: string;
  settings: Record<string, SettingSpec>;
  secrets: Record<string, SecretSpec>;
  /** Capability name (e.g. "edr.isolate_host") → the action of this integration that implements it. */
  capabilities: Record<string, string>;
}

/** What an action gets to do its work: the tenant's connection and the shared resilient client. */
export interface ActionContext {
  connection: {
    id: string;
    baseUrl: string;
    settings: Record<string, unknown>;
    secrets: Record<string, string>;
  };
  /** Stable across retries of one step of one run; lets an action recognise a repeat. */
  idempotencyKey: string;
  http: HttpClient;
  signal?: AbortSignal;
  /** Called while waiting on long vendor operations so Temporal knows the activity is alive. */
  heartbeat?: (details?: unknown) => void;
}

export interface IntegrationAction<I = Record<string, unknown>, O = Record<string, unknown>> {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** Whether the action changes state at the vendor (containment) or only reads. */
  mutating: boolean;
  run(ctx: ActionContext, input: I): Promise<O>;
}

export interface FakeVendorServer {
  /** Starts listening on 127.0.0.1 (port 0 = any free port) and resolves to the base URL. */
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  readonly url: string;
  readonly calls: readonly RecordedCall[];
  resetCalls(): void;
  /**
   * State changes the fake made, in vendor-neutral terms: the conformance suite counts these to
   * prove a retried or repeated containment acted exactly once, whatever the vendor's API.
   */
  readonly effects: readonly FakeEffect[];
  /** Queues faults; each is served once, in order, to the next request it matches. */
  injectFaults(faults: FaultSpec[]): void;
  /** The vendor's own "slow down" answer (status, headers, body) asking for this many seconds. */
  rateLimitFault(retryAfterSeconds: number): FaultSpec;
  /** Invalidates every token issued so far (vendors with expiring tokens only). */
  expireTokens?(): void;
}

export interface FakeEffect {
  /** The capability whose effect this is, e.g. "edr.isolate_host". */
  capability: string;
  /** What it acted on: host id, user id, IP, message id, channel… */
  target: string;
}

export interface FaultSpec {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the response this long first (to provoke client timeouts). */
  delayMs?: number;
  match?: { method?: string; pathPrefix?: string };
}

/** Where and how to reach a fake: what `upsertConnection` would hold for it. */
export interface FakeConnection {
  baseUrl: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface RecordedCall {
  method: string;
  /** Path with the query string. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** When the fake received it (epoch ms), for latency measurements. */
  at: number;
}

export interface IntegrationDefinition {
  manifest: IntegrationManifest;
  actions: Record<string, IntegrationAction<any, any>>;
  /** Proves the connection's URL and credentials work; throws a VendorError otherwise. */
  healthCheck(ctx: ActionContext): Promise<void>;
  /**
   * A local server that speaks the vendor's documented API, for tests, dry runs and `npm run fake`.
   * With no options it accepts `fakeConnection`'s credentials and holds the conformance fixtures.
   */
  createFake(options?: Record<string, unknown>): FakeVendorServer;
  /** The connection (settings and secrets) the default fake at `url` accepts. */
  fakeConnection(url: string): FakeConnection;
}
