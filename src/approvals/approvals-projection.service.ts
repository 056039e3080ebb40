import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import type { RunActivities } from '../workflows/activity-contract';

/** Approval rows written on the workflow's behalf (from activities), each write idempotent. */
@Injectable()
export class ApprovalsProjection {
  constructor(private readonly db: TenantDb) {}

  async open(args: Parameters<RunActivities['openApproval']>[0]): Promise<void> {
    await this.db.run(args.tenantId, async (em) => {
      await em.query(
        `INSERT INTO approvals (id, tenant_id, run_id, step_id, case_id, prompt, approvers, quorum, status, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9)
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
    });
  }

  async recordDecision(args: Parameters<RunActivities['recordApprovalDecision']>[0]): Promise<void> {
    const { decision, result, tenantId } = args;
    await this.db.run(tenantId, async (em) => {
      await em.query(
        `INSERT INTO approval_decisions (tenant_id, approval_id, actor_id, actor_name, decision, comment, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (approval_id, actor_id) DO NOTHING`,
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
      await em.query(
        `INSERT INTO case_events (tenant_id, case_id, kind, actor, data, event_key)
         SELECT tenant_id, case_id, 'APPROVAL_DECISION', $3, $4, $5 FROM approvals
          WHERE tenant_id = $1 AND id = $2 AND case_id IS NOT NULL
         ON CONFLICT (case_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`,
        [
          tenantId,
          decision.approvalId,
          decision.actor.id,
          JSON.stringify({
            approvalId: decision.approvalId,
            decision: decision.decision,
            comment: decision.comment ?? null,
            channel: decision.channel,
            outcome: result.status,
          }),
          `decision:${decision.approvalId}:${decision.actor.id}`,
        ],
      );
      if (result.status !== 'PENDING') {
        await em.query(
          `UPDATE approvals SET status = $3, decided_at = COALESCE(decided_at, now()) WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING'`,
          [tenantId, decision.approvalId, result.status],
        );
        await em.query(
          `UPDATE playbook_runs SET status = 'RUNNING', updated_at = now()
           WHERE status = 'WAITING' AND id = (SELECT run_id FROM approvals WHERE tenant_id = $1 AND id = $2)`,
          [tenantId, decision.approvalId],
        );
      }
    });
  }

  async close(args: Parameters<RunActivities['closeApproval']>[0]): Promise<void> {
    await this.db.run(args.tenantId, async (em) => {
      await em.query(
        `UPDATE approvals SET status = $3, decided_at = COALESCE(decided_at, now()) WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING'`,
        [args.tenantId, args.approvalId, args.status],
      );
      await em.query(
        `UPDATE playbook_runs SET status = 'RUNNING', updated_at = now()
         WHERE status = 'WAITING' AND id = (SELECT run_id FROM approvals WHERE tenant_id = $1 AND id = $2)`,
        [args.tenantId, args.approvalId],
      );
    });
  }
}
