// Workflow interceptor module (bundled with the workflows, listed in workflowInterceptorModules):
// Temporal's OpenTelemetry interceptors, used only for runs whose start carried a trace context.
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  StartChildWorkflowExecutionInput,
  SignalInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header Temporal's client interceptor writes the W3C trace context into. */
const TRACE_HEADER = '_tracer-data';

/**
 * A run started while tracing was off carries no trace header: it then never builds a tracer or
 * calls the exporter sink (which a worker without tracing only stubs). A traced run gets
 * Temporal's interceptors unchanged. The choice follows from the run's own history, so replay
 * makes the same one.
 */
class TraceGate {
  private inbound?: OpenTelemetryInboundInterceptor;
  private outbound?: OpenTelemetryOutboundInterceptor;

  traced(headers: Record<string, unknown>): OpenTelemetryInboundInterceptor | undefined {
    if (!(TRACE_HEADER in headers)) return undefined;
    this.inbound ??= new OpenTelemetryInboundInterceptor();
    return this.inbound;
  }

  /** Activities and child runs are traced when the run itself was. */
  outboundIfTraced(): OpenTelemetryOutboundInterceptor | undefined {
    if (!this.inbound) return undefined;
    this.outbound ??= new OpenTelemetryOutboundInterceptor();
    return this.outbound;
  }
}

class GatedInbound implements WorkflowInboundCallsInterceptor {
  constructor(private readonly gate: TraceGate) {}

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    const otel = this.gate.traced(input.headers);
    return otel ? otel.execute(input, next) : next(input);
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
    const otel = this.gate.traced(input.headers);
    return otel ? otel.handleSignal(input, next) : next(input);
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
    const otel = this.gate.traced(input.headers);
    return otel ? otel.handleUpdate(input, next) : next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) {
    const otel = this.gate.traced(input.headers);
    if (otel) otel.validateUpdate(input, next);
    else next(input);
  }
}

class GatedOutbound implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly gate: TraceGate) {}

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    const otel = this.gate.outboundIfTraced();
    return otel ? otel.scheduleActivity(input, next) : next(input);
  }

  /** Local activities too: every action's first attempt, built-ins and the run's own records. */
  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    const otel = this.gate.outboundIfTraced();
    return otel ? otel.scheduleLocalActivity(input, next) : next(input);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ) {
    const otel = this.gate.outboundIfTraced();
    return otel ? otel.startChildWorkflowExecution(input, next) : next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const gate = new TraceGate();
  return {
    inbound: [new GatedInbound(gate)],
    outbound: [new GatedOutbound(gate)],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
