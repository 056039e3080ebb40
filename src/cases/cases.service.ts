import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { returning } from '../database/sql';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Severity } from '../alerts/severity';
import { CaseEntity } from './entities/case.entity';
import { canTransition, clockFor } from './case-lifecycle';
import type { CaseStatus } from './case-status';
import { CasesException } from './cases.exception';
import { toCaseModel } from './mappers/case.mapper';
import type { CaseModel } from './models/case.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class CasesService {
  constructor(private readonly db: TenantDb) {}

  /** Opens a case inside the caller's transaction; the number comes from the tenant row's lock. */
  async open(
    em: EntityManager,
    tenantId: string,
    args: { title: string; severity: Severity; detectedAt: Date },
  ): Promise<CaseEntity> {
    const [seq] = await returning<{ case_seq: number }>(
      em,
      `UPDATE tenants SET case_seq = case_seq + 1 WHERE id = $1 RETURNING case_seq`,
      [tenantId],
    );
    if (!seq) throw new Error(`tenant ${tenantId} does not exist`);
    const number = seq.case_seq;
    return em.save(
      em.create(CaseEntity, {
        tenantId,
        number,
        title: args.title,
        severity: args.severity,
        status: 'OPEN',
        assignee: null,
        detectedAt: args.detectedAt,
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<CaseEntity> {
    const row = UUID.test(id)
      ? await this.db.run(tenantId, (em) => em.findOne(CaseEntity, { where: { tenantId, id } }))
      : null;
    if (!row) throw CasesException.notFound(id);
    return row;
  }

  async list(
    tenantId: string,
    args: { first: number; after?: string; status?: CaseStatus },
  ): Promise<Connection<CaseModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const base = em.createQueryBuilder(CaseEntity, 'c').where('c.tenant_id = :tenantId', { tenantId });
      if (args.status) base.andWhere('c.status = :status', { status: args.status });
      const total = await base.clone().getCount();
      if (cursor)
        base.andWhere('(c.created_at, c.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await base
        .orderBy('c.created_at', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      return toConnection(rows, args.first, total, toCaseModel);
    });
  }

  /** Moves a case along its lifecycle. Setting the status it already has changes nothing. */
  async setStatus(tenantId: string, id: string, status: CaseStatus): Promise<CaseEntity> {
    return this.db.run(tenantId, async (em) => {
      const row = await em.findOne(CaseEntity, {
        where: { tenantId, id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw CasesException.notFound(id);
      if (row.status === status) return row;
      if (!canTransition(row.status, status)) throw CasesException.illegalTransition(row.status, status);
      row.status = status;
      const clock = clockFor(status);
      if (clock && !row[clock]) row[clock] = new Date();
      return em.save(row);
    });
  }
}
