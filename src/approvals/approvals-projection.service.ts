import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { returning } from '../database/sql';
import { cordonMetrics } from '../metrics/cordon.metrics';
import { EventBus } from '../events/event-bus';
import type { RunActivities } from '../workflows/activity-contract';
import { APPROVAL_AUDIT, type ApprovalAuditSink } from './approval-audit';
import { recordApprovalEvent } from './approval-timeline';
import { ApprovalEntity } from './entities/approval.entity';
import { toApprovalModel } from './mappers/approval.mapper';
import { ApprovalNotifier } from './notify/approval-notifier.service';

type Args<K extends keyof RunActivities> = Parameters<RunActivities[K]>[0];

/**
 * Approval rows written on the workflow's behalf (from activities), each write idempotent, each
 * transition a timeline entry. The workflow decides; this only records what it decided.
 */
@Injectable()
export class ApprovalsProjection {
  private readonly logger = new Logger(ApprovalsProjection.name);

  constructor(
    private readonly db: TenantDb,
    private readonly events: EventBus,
    private readonly notifier: ApprovalNotifier,
    @Inject(APPROVAL_AUDIT) private readonly audit: ApprovalAuditSink,
  ) {}

  async open(args: Args<'openApproval'>): Promise<void> {
    const actor = `playbook:${args.runId}`;
    await this.db.run(args.tenantId, async (em) => {
      const summary = args.caseId ? await caseSummary(em, args.tenantId, args.caseId) : null;
      await em.query(
        `INSERT INTO approvals (id, tenant_id, run_id, step_id, case_id, prompt, approvers, quorum, status, expires_at,
                                reject_quorum, on_timeout, on_reject, escalation_levels, requested_by, context, case_summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (id) DO NOTHING`,
        [
          args.approvalId,
          args.tenantId,
          args.runId,
          args.stepId,
          args.caseId,
          args.prompt,
          JSON.stringify(args.approvers),
          args.quorum,
          args.expiresAt,
          args.rejectQuorum ?? 1,
          args.onTimeout ?? 'reject',
          args.onReject ?? 'continue',
          args.escalationLevels ?? 0,
          args.requestedBy ?? null,
          args.context === undefined ? null : JSON.stringify(args.context),
          summary === null ? null : JSON.stringify(summary),
        ],
      );
      await em.query(
        `INSERT INTO step_runs (tenant_id, run_id, step_id, kind, status, attempts, input, started_at)
         VALUES ($1, $2, $3, 'approval', 'WAITING', 1, $4, now())
         ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'WAITING', updated_at = now()`,
        [
          args.tenantId,
          args.runId,
          args.stepId,
          JSON.stringify({
            approvalId: args.approvalId,
            prompt: args.prompt,
            approvers: args.approvers,
            quorum: args.quorum,
          }),
        ],
      );
      await em.query(
        `UPDATE playbook_runs SET status = 'WAITING', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN ('QUEUED','RUNNING')`,
        [args.tenantId, args.runId],
      );
      await recordApprovalEvent(em, {
        tenantId: args.tenantId,
        approvalId: args.approvalId,
        kind: 'REQUESTED',
        actor,
        key: 'requested',
        data: {
          stepId: args.stepId,
          prompt: args.prompt,
          approvers: args.approvers,
          quorum: args.quorum,
          expiresAt: args.expiresAt,
        },
      });
    });
    await this.announce(args.tenantId, args.approvalId);
  }

  async escalate(args: Args<'escalateApproval'>): Promise<void> {
    await this.db.run(args.tenantId, async (em) => {
      const rows = await em.query<{ run_id: string }[]>(
        `UPDATE approvals SET approvers = $3, level = $4, expires_at = $5
          WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' AND level < $4
          RETURNING run_id`,
        [args.tenantId, args.approvalId, JSON.stringify(args.approvers), args.level, args.expiresAt],
      );
      const runId =
        rows[0]?.run_id ??
        (
          await em.query<{ run_id: string }[]>(
            `SELECT run_id FROM approvals WHERE tenant_id = $1 AND id = $2`,
            [args.tenantId, args.approvalId],
          )
        )[0]?.run_id;
      await recordApprovalEvent(em, {
        tenantId: args.tenantId,
        approvalId: args.approvalId,
        kind: 'ESCALATED',
        actor: `playbook:${runId ?? 'unknown'}`,
        key: `escalated:${args.level}`,
        data: { level: args.level, approvers: args.approvers, expiresAt: args.expiresAt, reason: 'timeout' },
      });
    });
    // The new approvers hear of it as a new request.
    await this.announce(args.tenantId, args.approvalId);
  }

  async recordDecision(args: Args<'recordApprovalDecision'>): Promise<void> {
    const { decision, result, tenantId } = args;
    const closed = await this.db.run(tenantId, async (em) => {
      const inserted = await em.query<{ id: string }[]>(
        `INSERT INTO approval_decisions (tenant_id, approval_id, actor_id, actor_name, decision, comment, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (approval_id, actor_id) DO NOTHING
         RETURNING id`,
        [
          tenantId,
          decision.approvalId,
          decision.actor.id,
          decision.actor.name,
          decision.decision,
          decision.comment ?? null,
          decision.channel,
        ],
      );
      await recordApprovalEvent(em, {
        tenantId,
        approvalId: decision.approvalId,
        kind: 'DECISION',
        actor: decision.actor.id,
        key: `decision:${decision.actor.id}`,
        data: {
          decision: decision.decision,
          comment: decision.comment ?? null,
          channel: decision.channel,
          actorName: decision.actor.name,
          outcome: result.status,
        },
      });
      const row = await em.findOne(ApprovalEntity, { where: { tenantId, id: decision.approvalId } });
      if (inserted.length) {
        await this.audit.decided(em, {
          tenantId,
          approvalId: decision.approvalId,
          runId: row?.runId ?? null,
          caseId: row?.caseId ?? null,
          actor: decision.actor,
          decision: decision.decision,
          comment: decision.comment ?? null,
          channel: decision.channel,
          outcome: result.status,
        });
      }
      if (result.status === 'PENDING') return undefined;
      return closeRow(em, tenantId, decision.approvalId, result.status, {
        reason: 'decided',
        actor: decision.actor.id,
      });
    });
    observeClosed(closed);
  }

  async close(args: Args<'closeApproval'>): Promise<void> {
    const closed = await this.db.run(args.tenantId, async (em) => {
      if (args.decision)
        await em.query(
          `UPDATE approvals SET timed_out_decision = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING'`,
          [args.tenantId, args.approvalId, args.decision],
        );
      return closeRow(em, args.tenantId, args.approvalId, args.status, {
        reason: args.status === 'EXPIRED' ? 'timeout' : args.status === 'CANCELLED' ? 'cancelled' : 'decided',
        ...(args.decision ? { decision: args.decision } : {}),
      });
    });
    observeClosed(closed);
  }

  /** Tells the level's channels; each channel's result becomes part of the approval's timeline. */
  async notify(args: Args<'notifyApproval'>): Promise<Awaited<ReturnType<RunActivities['notifyApproval']>>> {
    const results = await this.notifier.notify(args);
    await this.db.run(args.tenantId, (em) =>
      recordApprovalEvent(em, {
        tenantId: args.tenantId,
        approvalId: args.approvalId,
        kind: 'NOTIFIED',
        actor: 'system',
        key: `notified:${args.level}`,
        data: { level: args.level, channels: results },
      }),
    );
    return results;
  }

  async announceOutcome(args: Args<'announceApprovalOutcome'>): Promise<void> {
    await this.notifier.announceOutcome(args.tenantId, args.approvalId);
  }

  /** `approvalRequested` subscribers hear of a committed request (or escalation). */
  private async announce(tenantId: string, approvalId: string): Promise<void> {
    try {
      const row = await this.db.run(tenantId, (em) =>
        em.findOne(ApprovalEntity, { where: { tenantId, id: approvalId }, relations: { decisions: true } }),
      );
      if (row?.status === 'PENDING')
        this.events.publish({
          type: 'approval.requested',
          tenantId,
          approval: toApprovalModel(row),
          requestedBy: row.requestedBy,
        });
    } catch (err) {
      this.logger.warn({ approvalId, err: (err as Error).message }, 'could not announce the approval');
    }
  }
}

interface ClosedApproval {
  status: string;
  waitedSeconds: number;
}

/** The approval wait is observed after the transaction that closed the approval committed. */
function observeClosed(closed: ClosedApproval | undefined): void {
  if (closed) cordonMetrics.approvalClosed(closed.status, closed.waitedSeconds);
}

/**
 * Ends a pending approval (once) and lets its run be seen as running again. Returns how it ended
 * and how long it waited when this call ended it, for the caller to count after commit.
 */
async function closeRow(
  em: EntityManager,
  tenantId: string,
  approvalId: string,
  status: string,
  data: Record<string, unknown>,
): Promise<ClosedApproval | undefined> {
  const closed = await returning<{ run_id: string; waited: number }>(
    em,
    `UPDATE approvals SET status = $3, decided_at = COALESCE(decided_at, now())
      WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING'
      RETURNING run_id, EXTRACT(EPOCH FROM decided_at - created_at)::float8 AS waited`,
    [tenantId, approvalId, status],
  );
  if (!closed.length) return undefined;
  await em.query(
    `UPDATE playbook_runs SET status = 'RUNNING', updated_at = now()
      WHERE tenant_id = $1 AND id = $2 AND status = 'WAITING'`,
    [tenantId, closed[0].run_id],
  );
  await recordApprovalEvent(em, {
    tenantId,
    approvalId,
    kind: 'CLOSED',
    actor: `playbook:${closed[0].run_id}`,
    key: 'closed',
    data: { status, ...data },
  });
  return { status, waitedSeconds: closed[0].waited };
}

/** The case as the decider should see it: what it is, how bad, and what it is about. */
async function caseSummary(
  em: EntityManager,
  tenantId: string,
  caseId: string,
): Promise<Record<string, unknown> | null> {
  const rows = await em.query<Record<string, unknown>[]>(
    `SELECT c.number, c.title, c.severity, c.status, c.assignee,
            (SELECT count(*)::int FROM alerts a WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id) AS "alertCount",
            COALESCE((SELECT jsonb_agg(jsonb_build_object('type', o.type, 'value', o.value))
                        FROM (SELECT DISTINCT o.type, o.value FROM observables o
                                JOIN alerts a ON a.id = o.alert_id
                               WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id
                               ORDER BY o.type, o.value LIMIT 50) o), '[]'::jsonb) AS observables
       FROM cases c WHERE c.tenant_id = $1 AND c.id = $2`,
    [tenantId, caseId],
  );
  return rows[0] ?? null;
}
