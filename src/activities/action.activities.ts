import { ApplicationFailure, Context } from '@temporalio/activity';
import { QueryFailedError } from 'typeorm';
import type { TenantDb } from '../database/tenant-db';
import { changeDigest } from '../audit/audit-chain';
import { runActor } from '../audit/audit-actor';
import type { AuditEvent } from '../audit/audit-chain';
import type { AuditWriter } from '../audit/audit-writer';
import { AppError } from '../common/errors/app-error';
import { asUnavailable } from '../common/errors/unavailable';
import type { ConnectionsService, ResolvedAction } from '../integrations/connections.service';
import { withinAttempt } from '../integrations/kit/attempt-deadline';
import { HttpClient } from '../integrations/kit/http-client';
import { VendorError } from '../integrations/kit/vendor-error';
import type { RunsProjection, StepAttemptRow } from '../runs/runs-projection.service';
import { stepAttempt, type ActionActivities } from '../workflows/activity-contract';
import type { StepFailureInfo } from '../workflows/run-input';
import { createBuiltinActions, type BuiltinAction, type BuiltinDeps } from './builtin-actions';
import type { DryRunFakes } from './dry-run-fakes';
import { heartbeatInterval, whileHeartbeating } from './heartbeating';
import { cordonMetrics, type CallOutcome } from '../metrics/cordon.metrics';
import { inAction } from '../tracing/vendor-call';

/** What the attempt's opening transaction found: done before, a connection to call, or a refusal. */
type Opened = { completedOutput?: Record<string, unknown> } & (
  { resolved?: ResolvedAction } | { refused: unknown }
);

export interface ActionDeps extends BuiltinDeps {
  db: TenantDb;
  connections: ConnectionsService;
  projection: RunsProjection;
  dryRunFakes: DryRunFakes;
  audit: AuditWriter;
}

/**
 * The one activity that acts on the world. It records each attempt, runs a built-in or an
 * integration action, and turns failures into what Temporal and the analyst need: retryable
 * or not, and the vendor's own words.
 */
export function createActionActivities(deps: ActionDeps): ActionActivities {
  const builtins: Record<string, BuiltinAction | undefined> = createBuiltinActions(deps);
  // One client per connection version: keeps its circuit breaker, concurrency limit and token.
  const clients = new Map<string, HttpClient>();

  const clientFor = (
    vendor: string,
    integration: string,
    connection: { id: string; baseUrl: string; version: string },
  ): HttpClient => {
    const key = `${connection.id}@${connection.version}`;
    let client = clients.get(key);
    if (!client) {
      for (const [k, old] of clients)
        if (k.startsWith(`${connection.id}@`)) {
          old.retire();
          clients.delete(k);
        }
      client = new HttpClient({ vendor, integration, baseUrl: connection.baseUrl });
      clients.set(key, client);
    }
    return client;
  };

  return {
    async runAction(args) {
      const ctx = Context.current();
      const attempt = stepAttempt(ctx.info.attempt, args);
      // When Temporal will cut this attempt, less the time its failure needs to travel back.
      const deadline = Date.now() + ctx.info.startToCloseTimeoutMs - DEADLINE_MARGIN_MS;
      const { tenantId, runId, stepId } = args;
      const kind = args.kind ?? 'action';
      const builtin = builtins[args.action];
      const callsOut = !builtin && !args.dryRun;
      // The attempt's record and the connection (its secret's use audited) in one transaction,
      // the record sent with its opening (one round trip less before the vendor is called).
      const record = { runId, stepId, kind, action: args.action, input: args.input, attempt };
      const opened = await whileDatabaseAway(ctx, () =>
        deps.db.runFrom<StepAttemptRow, Opened>(
          tenantId,
          deps.projection.stepAttemptStatement(tenantId, record),
          async (em, attemptRows) => {
            const { completedOutput } = deps.projection.attemptOutcome(attemptRows);
            if (completedOutput || !callsOut) return { completedOutput };
            try {
              const use = { actor: runActor(runId), purpose: `action ${args.action}` };
              return { resolved: await deps.connections.resolveIn(em, tenantId, args.action, use) };
            } catch (err) {
              // A refusal (an unbound capability, say) must not undo the attempt's record: it is
              // raised below like any failure. A failed statement has aborted the transaction.
              if (err instanceof QueryFailedError) throw err;
              return { refused: err };
            }
          },
        ),
      );
      deps.projection.changed(tenantId, runId);
      // The run's success goes with the step's: also when an earlier attempt did the step and
      // its completion was lost before it could finish the run.
      const endRun = async () => {
        // Not skipped when the attempt is being cut: the workflow may still receive this result.
        // A cancellation recorded first stays (`ifOpen`); one recorded after overwrites this.
        if (!args.endsRun) return;
        const { temporalRunId } = args.endsRun;
        await whileDatabaseAway(ctx, () =>
          deps.projection.finish(tenantId, runId, 'SUCCEEDED', undefined, temporalRunId, true),
        );
      };
      if (opened.completedOutput) {
        await endRun();
        return opened.completedOutput;
      }
      // Set once a vendor's action is about to be called: that call is what the audit log keeps.
      let called: ResolvedAction | null = null;
      let callSucceeded = false;
      const callAudit = (outcome: 'SUCCESS' | 'FAILURE', code?: string): AuditEvent | null => {
        const c = called;
        if (!c) return null;
        return {
          actor: runActor(runId),
          action: `action.call ${args.action}`,
          target: actionTarget(args.input, c.connection.id),
          outcome,
          changeDigest: changeDigest(args.input),
          detail: {
            vendor: c.definition.manifest.vendor,
            integrationId: c.definition.manifest.id,
            connectionId: c.connection.id,
            runId,
            stepId,
            attempt,
            ...(code ? { code } : {}),
          },
        };
      };
      let output: Record<string, unknown>;
      try {
        // The work may wait on a slow vendor (retries, Retry-After, polling) or a locked row:
        // beating meanwhile lets Temporal tell a long call from a dead worker before startToClose.
        output = await whileHeartbeating(
          (d) => ctx.heartbeat(d),
          heartbeatInterval(ctx.info.heartbeatTimeoutMs),
          async (heartbeat): Promise<Record<string, unknown>> => {
            if (builtin && args.dryRun) return { dry_run: true, would: args.action, with: args.input };
            if (builtin) return builtin({ tenantId, runId, stepId, caseId: args.caseId, input: args.input });
            if ('refused' in opened) throw opened.refused;
            let resolved: ResolvedAction;
            if (args.dryRun) resolved = await dryRunTarget(deps, tenantId, args.action);
            else {
              resolved = opened.resolved!;
              // Checked again before every use: the policy or the name's addresses may have changed.
              await deps.connections.assertReachable(resolved.connection);
              called = resolved;
            }
            const vendor = resolved.definition.manifest.id;
            const http = clientFor(resolved.definition.manifest.vendor, vendor, resolved.connection);
            const call = () =>
              withinAttempt(deadline, () =>
                inAction(vendor, args.action, () =>
                  resolved.action.run(
                    {
                      connection: resolved.connection,
                      idempotencyKey: args.idempotencyKey,
                      http,
                      signal: ctx.cancellationSignal,
                      heartbeat,
                    },
                    args.input,
                  ),
                ),
              );
            // A dry run talks to a fake: it is not a vendor call worth counting.
            return args.dryRun ? call() : measured(vendor, args.action, call);
          },
        );
        callSucceeded = true;
        // The call's audit entry lands with the step's record, in one transaction, or neither does.
        const audit = callAudit('SUCCESS');
        await whileDatabaseAway(ctx, () =>
          deps.projection.recordStep(
            tenantId,
            { runId, stepId, kind, action: args.action, status: 'SUCCEEDED', output },
            audit ? (em) => deps.audit.append(em, tenantId, audit) : undefined,
          ),
        );
      } catch (err) {
        const failure = toFailure(err);
        // Best effort: the failure itself is what Temporal must hear of. A call that succeeded
        // (its record could not be written) is audited as the success it was.
        const audit = callSucceeded
          ? callAudit('SUCCESS')
          : callAudit('FAILURE', failure.info.code ?? 'InternalError');
        if (audit) await deps.audit.record(tenantId, audit).catch(() => undefined);
        await deps.projection.stepError(tenantId, runId, stepId, failure.info).catch(() => undefined);
        throw failure.error;
      }
      // Outside the step's failure handling: the step is done whatever becomes of this write.
      await endRun();
      return output;
    },
  };
}

/** Time for an attempt's failure to reach the workflow before Temporal's own cut would. */
const DEADLINE_MARGIN_MS = 250;

/**
 * The step's own records are idempotent upserts: while PostgreSQL is unreachable the attempt
 * waits for it (heartbeating) instead of failing. A failed attempt would count against the
 * step's retries, and once the vendor has acted the step must not fail only because its result
 * could not be written yet. The attempt's timeout still bounds the wait (a heartbeat learns of
 * it and cancels the sleep).
 */
async function whileDatabaseAway<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 4000)) {
    try {
      return await work();
    } catch (err) {
      if (!asUnavailable(err) || ctx.cancellationSignal.aborted) throw err;
      ctx.heartbeat();
      await ctx.sleep(delayMs);
    }
  }
}

/** Input fields that name what an action acts on, most specific first. */
const TARGET_FIELDS = [
  'host_id',
  'device_id',
  'hostname',
  'user_id',
  'user',
  'email',
  'ip',
  'domain',
  'url',
  'hash',
  'message_id',
  'value',
];

/** What an action call acted on: the first naming field of its input, else the connection. */
function actionTarget(input: Record<string, unknown>, connectionId: string): { type: string; id: string } {
  for (const field of TARGET_FIELDS) {
    const value = input[field];
    if (typeof value === 'string' || typeof value === 'number') return { type: field, id: String(value) };
  }
  return { type: 'Connection', id: connectionId };
}

/** Times one integration call and counts it by how it ended. */
async function measured<T>(vendor: string, action: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome: CallOutcome = 'error';
  try {
    const result = await call();
    outcome = 'success';
    return result;
  } catch (err) {
    outcome = callOutcome(err);
    throw err;
  } finally {
    cordonMetrics.integrationCall(vendor, action, outcome, (performance.now() - started) / 1000);
  }
}

function callOutcome(err: unknown): CallOutcome {
  if (err instanceof VendorError) return err.retryable ? 'retryable_error' : 'error';
  // The activity's cancellation reason is rethrown as is by the HTTP client.
  return Context.current().cancellationSignal.aborted ? 'cancelled' : 'error';
}

/** The fake a dry run talks to, chosen like the real call would be (the tenant's binding first). */
async function dryRunTarget(deps: ActionDeps, tenantId: string, action: string) {
  const bound = await deps.connections.resolve(tenantId, action).catch(() => null);
  const target = await deps.dryRunFakes.resolve(action, bound?.definition.manifest.id ?? null);
  return { ...target, connection: { ...target.connection, version: 'dry-run' } };
}

function toFailure(err: unknown): { info: StepFailureInfo; error: Error } {
  if (err instanceof VendorError) {
    const info: StepFailureInfo = {
      message: err.message,
      vendor: err.vendor,
      status: err.status,
      code: err.code,
      retryable: err.retryable,
    };
    const error = ApplicationFailure.create({
      message: `${err.vendor}: ${err.message}`,
      // The vendor's code as the type, so a playbook's `retry.non_retryable` can name it.
      type: err.code ?? 'VendorError',
      nonRetryable: !err.retryable,
      details: [info],
      nextRetryDelay: err.retryAfterMs,
    });
    return { info, error };
  }
  if (err instanceof AppError) {
    // Our own refusals (unbound capability, bad input) will not improve with retries.
    const info: StepFailureInfo = { message: err.message, code: err.code, retryable: false };
    return {
      info,
      error: ApplicationFailure.create({
        message: err.message,
        type: err.code,
        nonRetryable: true,
        details: [info],
      }),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const info: StepFailureInfo = { message, retryable: true };
  return { info, error: ApplicationFailure.create({ message, type: 'InternalError', details: [info] }) };
}
