import { Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TenantDb } from '../database/tenant-db';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import { AppError } from '../common/errors/app-error';
import type { Principal } from '../auth/principal';
import { ROLES } from '../auth/roles';
import { decideApprovalUpdate, type DecideApprovalArgs } from '../workflows/messages';
import { ApprovalEntity } from './entities/approval.entity';
import { ApprovalEventEntity } from './entities/approval-event.entity';
import { ApprovalsException } from './approvals.exception';
import { toApprovalModel } from './mappers/approval.mapper';
import type { ApprovalModel, BulkDecisionResultModel } from './models/approval.model';
import type { ApprovalFilter, DecideApprovalInput, DecideApprovalsInput } from './dto/approval.inputs';
import type { DecidingActor } from './identities/approver-identities.service';
import { isUuid } from '../common/ids';

/** Bulk decisions reach their workflows this many at a time. */
const BULK_CONCURRENCY = 8;

@Injectable()
export class ApprovalsService {
  constructor(
    private readonly db: TenantDb,
    private readonly temporal: TemporalClientService,
  ) {}

  async list(
    principal: Principal,
    filter: ApprovalFilter,
    page: { first: number; after?: string },
  ): Promise<Connection<ApprovalModel>> {
    const { tenantId } = principal;
    const cursor = decodeCursor(page.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em
        .createQueryBuilder(ApprovalEntity, 'a')
        .leftJoinAndSelect('a.decisions', 'd')
        .where('a.tenant_id = :tenantId', { tenantId });
      if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
      if (filter.caseId) qb.andWhere('a.case_id = :caseId', { caseId: filter.caseId });
      if (filter.runId) qb.andWhere('a.run_id = :runId', { runId: filter.runId });
      if (filter.mine) {
        // What this caller may decide now: pending, named or a role at or below theirs at the
        // current level, not their own run, not decided by them already. The workflow re-checks.
        const roles = ROLES.slice(0, ROLES.indexOf(principal.role) + 1);
        qb.andWhere(`a.status = 'PENDING'`)
          .andWhere(
            `(COALESCE(a.approvers->'users', '[]'::jsonb) ? :actor
              OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(
                   COALESCE(a.approvers->'roles',
                            CASE WHEN jsonb_array_length(COALESCE(a.approvers->'users', '[]'::jsonb)) > 0
                                 THEN '[]'::jsonb ELSE '["responder"]'::jsonb END)) r
                 WHERE r = ANY(:roles)))`,
            { actor: principal.actorId, roles },
          )
          .andWhere(
            `NOT EXISTS (SELECT 1 FROM playbook_runs pr WHERE pr.id = a.run_id AND pr.requested_by = :actor)`,
          )
          .andWhere(
            `NOT EXISTS (SELECT 1 FROM approval_decisions ad WHERE ad.approval_id = a.id AND ad.actor_id = :actor)`,
          );
      }
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(a.created_at, a.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await qb
        .orderBy('a.created_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .take(page.first + 1)
        .getMany();
      return toConnection(rows, page.first, total, toApprovalModel);
    });
  }

  async get(tenantId: string, id: string): Promise<ApprovalModel> {
    return toApprovalModel(await this.find(tenantId, id));
  }

  async timeline(tenantId: string, approvalId: string): Promise<ApprovalEventEntity[]> {
    return this.db.run(tenantId, (em) =>
      em.find(ApprovalEventEntity, { where: { tenantId, approvalId }, order: { seq: 'ASC' } }),
    );
  }

  /** A decision made in the API, as the calling principal. */
  async decide(principal: Principal, input: DecideApprovalInput): Promise<ApprovalModel> {
    return this.decideAs(
      principal.tenantId,
      { id: principal.actorId, name: principal.name, role: principal.role },
      input,
      'graphql',
    );
  }

  /**
   * Sends the decision to the workflow as an update: every channel (GraphQL, Slack, links) comes
   * through here. The workflow's validator has the last word (eligibility, quorum, requester,
   * repeat); only what it accepts is recorded, and what is returned is read after it recorded it.
   */
  async decideAs(
    tenantId: string,
    actor: DecidingActor,
    input: DecideApprovalInput,
    channel: DecideApprovalArgs['channel'],
  ): Promise<ApprovalModel> {
    // One read for the approval's status and its run's workflow: this is on every decision's path.
    const rows = isUuid(input.approvalId)
      ? await this.db.run(tenantId, (em) =>
          em.query<{ status: string; workflow_id: string }[]>(
            `SELECT a.status, r.workflow_id FROM approvals a JOIN playbook_runs r ON r.id = a.run_id
              WHERE a.tenant_id = $1 AND a.id = $2`,
            [tenantId, input.approvalId],
          ),
        )
      : [];
    const approval = rows[0];
    if (!approval) throw ApprovalsException.notFound(input.approvalId);
    if (approval.status !== 'PENDING')
      throw ApprovalsException.alreadyDecided(input.approvalId, approval.status);
    try {
      await this.temporal.client.workflow
        .getHandle(approval.workflow_id)
        .executeUpdate(decideApprovalUpdate, {
          args: [
            {
              approvalId: input.approvalId,
              decision: input.decision,
              ...(input.comment ? { comment: input.comment } : {}),
              channel,
              actor: { id: actor.id, name: actor.name, role: actor.role },
            },
          ],
        });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
        throw ApprovalsException.refused(cause?.type, cause?.message ?? err.message);
      }
      if (err instanceof WorkflowNotFoundError)
        throw ApprovalsException.alreadyDecided(input.approvalId, 'closed');
      throw err;
    }
    return this.get(tenantId, input.approvalId);
  }

  /**
   * Several approvals of one case at once, each sent to its workflow and validated on its own:
   * one refusal does not stop the others, and each result says what happened to that approval.
   * Without ids: every approval of the case the caller may decide now.
   */
  async decideMany(principal: Principal, input: DecideApprovalsInput): Promise<BulkDecisionResultModel[]> {
    const ids =
      input.approvalIds ??
      (await this.list(principal, { caseId: input.caseId, mine: true }, { first: 200 })).edges.map(
        (e) => e.node.id,
      );
    const inCase = new Set(
      await this.db.run(principal.tenantId, async (em) =>
        (
          await em.query<{ id: string }[]>(
            `SELECT id FROM approvals WHERE tenant_id = $1 AND case_id = $2 AND id = ANY($3::uuid[])`,
            [principal.tenantId, input.caseId, ids.filter(isUuid)],
          )
        ).map((r) => r.id),
      ),
    );
    const one = async (approvalId: string): Promise<BulkDecisionResultModel> => {
      if (!inCase.has(approvalId))
        return failed(approvalId, ApprovalsException.notFound(`${approvalId} in case ${input.caseId}`));
      try {
        const decided = await this.decide(principal, {
          approvalId,
          decision: input.decision,
          comment: input.comment,
        });
        return { approvalId, ok: true, status: decided.status, code: null, message: null };
      } catch (err) {
        if (err instanceof AppError) return failed(approvalId, err);
        throw err;
      }
    };
    const results: BulkDecisionResultModel[] = new Array<BulkDecisionResultModel>(ids.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, async () => {
        while (next < ids.length) {
          const i = next++;
          results[i] = await one(ids[i]);
        }
      }),
    );
    return results;
  }

  private async find(tenantId: string, id: string): Promise<ApprovalEntity> {
    const row = isUuid(id)
      ? await this.db.run(tenantId, (em) =>
          em.findOne(ApprovalEntity, { where: { tenantId, id }, relations: { decisions: true } }),
        )
      : null;
    if (!row) throw ApprovalsException.notFound(id);
    return row;
  }
}

function failed(approvalId: string, err: AppError): BulkDecisionResultModel {
  return { approvalId, ok: false, status: null, code: err.code, message: err.message };
}
