import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export const SERVICE_NAME = 'cordon';

export interface Tracing {
  resource: Resource;
  /** Also receives the workflow spans the worker's sink hands over. */
  processor: SpanProcessor;
  /** Sends what is still batched, then stops; called once on shutdown. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/**
 * Registers a tracer provider exporting over OTLP/HTTP when a traces URL is configured. Without
 * one nothing is registered: the OpenTelemetry API stays a no-op, and neither Temporal's
 * interceptors nor the HTTP server span are installed.
 */
export function startTracing(tracesUrl: string | undefined): Tracing | undefined {
  if (!tracesUrl || active) return active;
  const resource = new Resource({ 'service.name': SERVICE_NAME });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Also installs the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  active = { resource, processor, shutdown: () => provider.shutdown() };
  return active;
}

/** The process's tracing, when it is on: Temporal's client and worker ask before adding interceptors. */
export function activeTracing(): Tracing | undefined {
  return active;
}
