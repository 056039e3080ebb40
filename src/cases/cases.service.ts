import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { CaseEventsPublisher } from './case-events.publisher';
import { escapeLike, returning } from '../database/sql';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Severity } from '../alerts/severity';
import { CaseEntity } from './entities/case.entity';
import { CaseEventEntity } from './entities/case-event.entity';
import { canTransition, clockFor } from './case-lifecycle';
import type { CaseStatus } from './case-status';
import { CasesException } from './cases.exception';
import { recordCaseEvent } from './case-timeline';
import { toCaseModel } from './mappers/case.mapper';
import type { CaseModel } from './models/case.model';
import { isUuid } from '../common/ids';

export interface CaseListFilter {
  status?: CaseStatus;
  assignee?: string;
  severity?: Severity;
  tag?: string;
  text?: string;
}

@Injectable()
export class CasesService {
  constructor(
    private readonly db: TenantDb,
    private readonly publisher: CaseEventsPublisher,
  ) {}

  /** Opens a case inside the caller's transaction; the number comes from the tenant row's lock. */
  async open(
    em: EntityManager,
    tenantId: string,
    args: { title: string; severity: Severity; detectedAt: Date | null; actor: string },
  ): Promise<CaseEntity> {
    const [seq] = await returning<{ case_seq: number }>(
      em,
      `UPDATE tenants SET case_seq = case_seq + 1 WHERE id = $1 RETURNING case_seq`,
      [tenantId],
    );
    if (!seq) throw new Error(`tenant ${tenantId} does not exist`);
    const row = await em.save(
      em.create(CaseEntity, {
        tenantId,
        number: seq.case_seq,
        title: args.title,
        severity: args.severity,
        status: 'OPEN',
        assignee: null,
        resolution: null,
        tags: [],
        recommendations: null,
        mergedInto: null,
        detectedAt: args.detectedAt,
      }),
    );
    await recordCaseEvent(em, {
      tenantId,
      caseId: row.id,
      kind: 'CREATED',
      actor: args.actor,
      data: { number: row.number },
    });
    return row;
  }

  async get(tenantId: string, id: string): Promise<CaseEntity> {
    const row = isUuid(id)
      ? await this.db.run(tenantId, (em) => em.findOne(CaseEntity, { where: { tenantId, id } }))
      : null;
    if (!row) throw CasesException.notFound(id);
    return row;
  }

  async list(
    tenantId: string,
    args: { first: number; after?: string } & CaseListFilter,
  ): Promise<Connection<CaseModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em.createQueryBuilder(CaseEntity, 'c').where('c.tenant_id = :tenantId', { tenantId });
      if (args.status) qb.andWhere('c.status = :status', { status: args.status });
      if (args.assignee) qb.andWhere('c.assignee = :assignee', { assignee: args.assignee });
      if (args.severity) qb.andWhere('c.severity = :severity', { severity: args.severity });
      if (args.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: args.tag });
      if (args.text) qb.andWhere(`c.title ILIKE :text ESCAPE '\\'`, { text: `%${escapeLike(args.text)}%` });
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(c.created_at, c.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await qb
        .orderBy('c.created_at', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      return toConnection(rows, args.first, total, toCaseModel);
    });
  }

  async timeline(tenantId: string, caseId: string): Promise<CaseEventEntity[]> {
    return this.db.run(tenantId, (em) =>
      em.find(CaseEventEntity, { where: { tenantId, caseId }, order: { seq: 'ASC' } }),
    );
  }

  /** Moves a case along its lifecycle (used by playbooks). Setting the status it has changes nothing. */
  async setStatus(tenantId: string, id: string, status: CaseStatus, actor: string): Promise<CaseEntity> {
    if (status === 'CLOSED') throw CasesException.resolutionRequired();
    const row = await this.db.run(tenantId, async (em) => {
      const locked = await lockCase(em, tenantId, id);
      if (locked.status === status) return locked;
      await applyStatus(em, locked, status, actor);
      return em.save(locked);
    });
    return this.publisher.changed(row);
  }
}

/** Reads a case for update: concurrent changes to one case are serialised. */
export async function lockCase(em: EntityManager, tenantId: string, id: string): Promise<CaseEntity> {
  const row = isUuid(id)
    ? await em.findOne(CaseEntity, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!row) throw CasesException.notFound(id);
  return row;
}

/** Checks and applies a status change on a locked row, starting its clock and recording it. */
export async function applyStatus(
  em: EntityManager,
  row: CaseEntity,
  to: CaseStatus,
  actor: string,
): Promise<void> {
  const from = row.status;
  if (!canTransition(from, to)) throw CasesException.illegalTransition(from, to);
  row.status = to;
  const clock = clockFor(to);
  if (clock && !row[clock]) row[clock] = new Date();
  await recordCaseEvent(em, {
    tenantId: row.tenantId,
    caseId: row.id,
    kind: 'STATUS_CHANGED',
    actor,
    data: { from, to },
  });
}
