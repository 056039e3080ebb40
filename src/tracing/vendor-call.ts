import { context, createContextKey, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('cordon');
const ACTION = createContextKey('cordon.action');

/**
 * Runs an integration action with its name in the trace context, so the vendor calls it makes
 * (through a client shared by every action of the connection) are labelled with it.
 */
export function inAction<T>(vendor: string, action: string, run: () => Promise<T>): Promise<T> {
  return context.with(context.active().setValue(ACTION, { vendor, action }), run);
}

/**
 * One HTTP call to a vendor as a client span carrying the W3C `traceparent` header. Only the
 * vendor, action, method and status are recorded: paths and queries may hold user names or
 * addresses. Without a registered tracer this is the API's no-op and injects nothing.
 */
export async function vendorCall<T extends { res: Response }>(
  vendor: string,
  method: string,
  headers: Record<string, string>,
  call: () => Promise<T>,
): Promise<T> {
  const labels = context.active().getValue(ACTION) as { action: string } | undefined;
  return tracer.startActiveSpan(
    `${vendor} ${method}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'cordon.vendor': vendor,
        ...(labels ? { 'cordon.action': labels.action } : {}),
        'http.request.method': method,
      },
    },
    async (span) => {
      propagation.inject(context.active(), headers);
      try {
        const result = await call();
        span.setAttribute('http.response.status_code', result.res.status);
        if (result.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
