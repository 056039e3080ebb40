import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { CasesException } from './cases.exception';
import { renderCaseReport, type ReportData } from './case-report.markdown';
import { isUuid } from '../common/ids';

/**
 * The incident report an MDR client receives for a case: gathered in one read-only transaction
 * so every section describes the same moment.
 */
@Injectable()
export class CaseReportService {
  constructor(private readonly db: TenantDb) {}

  async report(tenantId: string, caseId: string): Promise<string> {
    if (!isUuid(caseId)) throw CasesException.notFound(caseId);
    const data = await this.db.run(tenantId, async (em): Promise<ReportData | null> => {
      const [kase] = await em.query<ReportData['case'][]>(
        `SELECT id, number, title, severity, status, resolution, assignee, tags, recommendations,
                detected_at, acknowledged_at, contained_at, resolved_at, closed_at, created_at
           FROM cases WHERE tenant_id = $1 AND id = $2`,
        [tenantId, caseId],
      );
      if (!kase) return null;
      const alerts = await em.query<ReportData['alerts']>(
        `SELECT id, source, title, severity, techniques, detected_at, last_seen_at, duplicate_count
           FROM alerts WHERE tenant_id = $1 AND case_id = $2 ORDER BY detected_at, id`,
        [tenantId, caseId],
      );
      const observables = await em.query<ReportData['observables']>(
        `SELECT o.type, o.value, count(DISTINCT o.alert_id)::int AS alerts
           FROM observables o JOIN alerts a ON a.id = o.alert_id
          WHERE o.tenant_id = $1 AND a.case_id = $2
          GROUP BY o.type, o.value ORDER BY o.type, o.value`,
        [tenantId, caseId],
      );
      const steps = await em.query<ReportData['steps']>(
        `SELECT r.id AS run_id, r.playbook_id, r.status AS run_status, s.step_id, s.kind, s.action, s.status,
                s.attempts, s.error, s.finished_at
           FROM playbook_runs r LEFT JOIN step_runs s ON s.run_id = r.id
          WHERE r.tenant_id = $1 AND r.case_id = $2
          ORDER BY r.created_at, s.started_at NULLS LAST, s.step_id`,
        [tenantId, caseId],
      );
      const decisions = await em.query<ReportData['decisions']>(
        `SELECT a.step_id, a.prompt, a.status, d.actor_name, d.actor_id, d.decision, d.comment, d.channel, d.created_at
           FROM approvals a LEFT JOIN approval_decisions d ON d.approval_id = a.id
          WHERE a.tenant_id = $1 AND a.case_id = $2 ORDER BY a.created_at, d.created_at`,
        [tenantId, caseId],
      );
      const timeline = await em.query<ReportData['timeline']>(
        `SELECT kind, actor, data, created_at FROM case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY seq`,
        [tenantId, caseId],
      );
      return { case: kase, alerts, observables, steps, decisions, timeline };
    });
    if (!data) throw CasesException.notFound(caseId);
    return renderCaseReport(data, new Date());
  }
}
