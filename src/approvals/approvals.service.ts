import { Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TenantDb } from '../database/tenant-db';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Principal } from '../auth/principal';
import { ROLES } from '../auth/roles';
import { PlaybookRunEntity } from '../runs/entities/playbook-run.entity';
import { decideApprovalUpdate } from '../workflows/messages';
import { ApprovalEntity } from './entities/approval.entity';
import { ApprovalsException } from './approvals.exception';
import { toApprovalModel } from './mappers/approval.mapper';
import type { ApprovalModel } from './models/approval.model';
import type { ApprovalFilter, DecideApprovalInput } from './dto/approval.inputs';
import { isUuid } from '../common/ids';

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
        // What this caller could decide: a role at or below theirs, or named; not their own run; not decided yet.
        const roles = ROLES.slice(0, ROLES.indexOf(principal.role) + 1);
        qb.andWhere(
          `(COALESCE(a.approvers->'users', '[]'::jsonb) ? :actor
            OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(COALESCE(a.approvers->'roles', '["responder"]'::jsonb)) r WHERE r = ANY(:roles)))`,
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

  /**
   * Sends the decision to the workflow as an update. The workflow's validator has the last word
   * (eligibility, quorum, requester, repeat); only what it accepts is recorded and shown.
   */
  async decide(principal: Principal, input: DecideApprovalInput): Promise<ApprovalModel> {
    const approval = await this.find(principal.tenantId, input.approvalId);
    if (approval.status !== 'PENDING') throw ApprovalsException.alreadyDecided(approval.id, approval.status);
    const run = await this.db.run(principal.tenantId, (em) =>
      em.findOneOrFail(PlaybookRunEntity, { where: { tenantId: principal.tenantId, id: approval.runId } }),
    );
    try {
      await this.temporal.client.workflow.getHandle(run.workflowId).executeUpdate(decideApprovalUpdate, {
        args: [
          {
            approvalId: approval.id,
            decision: input.decision,
            comment: input.comment,
            channel: 'graphql',
            actor: { id: principal.actorId, name: principal.name, role: principal.role },
          },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
        throw ApprovalsException.refused(cause?.type, cause?.message ?? err.message);
      }
      if (err instanceof WorkflowNotFoundError)
        throw ApprovalsException.alreadyDecided(approval.id, 'closed');
      throw err;
    }
    return this.get(principal.tenantId, approval.id);
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
