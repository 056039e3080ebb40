import * as path from 'node:path';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { activeTracing } from './tracing';

/** The workflow interceptor module; the build bundles it with the workflows (see bundle-workflows.ts). */
export const WORKFLOW_TRACING_MODULE = path.resolve(__dirname, '../workflows/tracing.interceptors');

/** Starts, signals and updates carry the caller's trace context into the workflow's headers. */
export function clientTracingInterceptors(): WorkflowClientInterceptor[] {
  return activeTracing() ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/** Activity executions continue the trace of the workflow that scheduled them. */
export function activityTracingInterceptors(): ActivityInterceptorsFactory[] {
  return activeTracing() ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] : [];
}

/**
 * Workflow spans leave the sandbox through this sink. Without tracing it drops them: a run
 * started by a traced API process still calls it, and an unregistered sink is logged as an error.
 */
export function workflowTracingSinks(): InjectedSinks<OpenTelemetrySinks> {
  const tracing = activeTracing();
  if (tracing) return { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) };
  return { exporter: { export: { fn: () => undefined, callDuringReplay: false } } };
}
