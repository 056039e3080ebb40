import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { Connection } from '../common/graphql/pagination';
import { TenantDb } from '../database/tenant-db';
import type { AuditLogFilter } from './dto/audit-log.filter';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { toAuditEntryModel } from './mappers/audit-entry.mapper';
import type { AuditEntryModel } from './models/audit-entry.model';

/** Reads a tenant's audit log, newest first (its chain order, which the clock cannot reorder). */
@Injectable()
export class AuditLogService {
  constructor(private readonly db: TenantDb) {}

  async list(
    tenantId: string,
    filter: AuditLogFilter,
    page: { first: number; after?: string },
  ): Promise<Connection<AuditEntryModel>> {
    const before = decodeSeqCursor(page.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em.createQueryBuilder(AuditEntryEntity, 'a').where('a.tenant_id = :tenantId', { tenantId });
      if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
      if (filter.actionPrefix)
        qb.andWhere(`a.action LIKE :prefix ESCAPE '\\'`, { prefix: `${escapeLike(filter.actionPrefix)}%` });
      if (filter.targetType) qb.andWhere('a.target_type = :targetType', { targetType: filter.targetType });
      if (filter.targetId) qb.andWhere('a.target_id = :targetId', { targetId: filter.targetId });
      if (filter.outcome) qb.andWhere('a.outcome = :outcome', { outcome: filter.outcome });
      if (filter.from) qb.andWhere('a.created_at >= :from', { from: filter.from });
      if (filter.to) qb.andWhere('a.created_at < :to', { to: filter.to });
      const totalCount = await qb.clone().getCount();
      if (before !== null) qb.andWhere('a.seq < :before', { before });
      const rows = await qb
        .orderBy('a.seq', 'DESC')
        .limit(page.first + 1)
        .getMany();
      const nodes = rows.slice(0, page.first);
      return {
        edges: nodes.map((row) => ({ cursor: encodeSeqCursor(row.seq), node: toAuditEntryModel(row) })),
        pageInfo: {
          hasNextPage: rows.length > page.first,
          endCursor: nodes.length ? encodeSeqCursor(nodes[nodes.length - 1].seq) : null,
        },
        totalCount,
      };
    });
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify(['audit', seq])).toString('base64url');
}

function decodeSeqCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  try {
    const [kind, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (kind !== 'audit' || !Number.isSafeInteger(seq) || (seq as number) < 1) throw new Error();
    return seq as number;
  } catch {
    throw new AppError('BAD_USER_INPUT', 'after: not a cursor returned by auditLog', { field: 'after' });
  }
}
