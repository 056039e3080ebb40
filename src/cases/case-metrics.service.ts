import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { AppError } from '../common/errors/app-error';
import type { MetricsModel, DurationStats } from './models/metrics.model';

const MAX_RANGE_DAYS = 366;

/**
 * SOC clocks over the cases opened in [from, to), merged duplicates left out:
 * MTTD = detected (earliest alert) → case opened; MTTA = opened → acknowledged (taken or
 * investigated); MTTC = detected → contained; MTTR = detected → resolved.
 */
const CLOCKS = {
  mttd: ['detected_at', 'created_at'],
  mtta: ['created_at', 'acknowledged_at'],
  mttc: ['detected_at', 'contained_at'],
  mttr: ['detected_at', 'resolved_at'],
} as const;

@Injectable()
export class CaseMetricsService {
  constructor(private readonly db: TenantDb) {}

  async metrics(tenantId: string, from: Date, to: Date): Promise<MetricsModel> {
    if (!(from < to)) throw new AppError('BAD_USER_INPUT', 'to: must be after from', { field: 'to' });
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw new AppError('BAD_USER_INPUT', `to: the range may span at most ${MAX_RANGE_DAYS} days`, {
        field: 'to',
      });
    }
    return this.db.run(tenantId, async (em) => {
      const scope = `FROM cases WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND merged_into IS NULL`;
      const params = [tenantId, from, to];
      const stats = Object.entries(CLOCKS)
        .map(([name, [start, end]]) => {
          const d = `EXTRACT(EPOCH FROM (${end} - ${start}))`;
          const has = `${start} IS NOT NULL AND ${end} IS NOT NULL`;
          return `count(*) FILTER (WHERE ${has}) AS ${name}_n,
                  avg(${d}) FILTER (WHERE ${has}) AS ${name}_mean,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d}) FILTER (WHERE ${has}) AS ${name}_p50,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY ${d}) FILTER (WHERE ${has}) AS ${name}_p90`;
        })
        .join(',\n');
      const [row] = await em.query<Record<string, string | number | null>[]>(
        `SELECT count(*) AS cases, ${stats} ${scope}`,
        params,
      );
      const bySeverity = await em.query<{ key: string; count: string }[]>(
        `SELECT severity AS key, count(*) AS count ${scope} GROUP BY 1 ORDER BY 1`,
        params,
      );
      const byStatus = await em.query<{ key: string; count: string }[]>(
        `SELECT status AS key, count(*) AS count ${scope} GROUP BY 1 ORDER BY 1`,
        params,
      );
      const bySource = await em.query<{ key: string; count: string }[]>(
        `SELECT source AS key, count(*) AS count FROM alerts WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1 ORDER BY 1`,
        params,
      );
      const clock = (name: keyof typeof CLOCKS): DurationStats => ({
        count: Number(row?.[`${name}_n`] ?? 0),
        meanSeconds: num(row?.[`${name}_mean`]),
        p50Seconds: num(row?.[`${name}_p50`]),
        p90Seconds: num(row?.[`${name}_p90`]),
      });
      const counts = (rows: { key: string; count: string }[]) =>
        rows.map((r) => ({ key: r.key, count: Number(r.count) }));
      return {
        from,
        to,
        cases: Number(row?.cases ?? 0),
        alerts: counts(bySource).reduce((n, r) => n + r.count, 0),
        mttd: clock('mttd'),
        mtta: clock('mtta'),
        mttc: clock('mttc'),
        mttr: clock('mttr'),
        casesBySeverity: counts(bySeverity),
        casesByStatus: counts(byStatus),
        alertsBySource: counts(bySource),
      };
    });
  }
}

function num(v: string | number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000;
}
