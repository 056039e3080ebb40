import type { SelectQueryBuilder } from 'typeorm';
import { escapeLike } from '../database/sql';
import { SEVERITIES, severityRank, type Severity } from './severity';
import type { AlertStatus } from './alert-status';
import type { ObservableType } from './observable-type';
import { normaliseObservable } from './observables';
import type { AlertEntity } from './entities/alert.entity';

export interface AlertFilter {
  caseId?: string;
  status?: AlertStatus;
  severityAtLeast?: Severity;
  source?: string;
  detectedFrom?: Date;
  detectedTo?: Date;
  observable?: string;
  observableType?: ObservableType;
  technique?: string;
  text?: string;
}

/** Adds the filter's conditions to a query over alerts aliased `a`. */
export function applyAlertFilter(qb: SelectQueryBuilder<AlertEntity>, f: AlertFilter): void {
  if (f.caseId) qb.andWhere('a.case_id = :caseId', { caseId: f.caseId });
  if (f.status) qb.andWhere('a.status = :status', { status: f.status });
  if (f.severityAtLeast) {
    qb.andWhere('a.severity IN (:...severities)', {
      severities: SEVERITIES.slice(severityRank(f.severityAtLeast)),
    });
  }
  if (f.source) qb.andWhere('a.source = :source', { source: f.source });
  if (f.detectedFrom) qb.andWhere('a.detected_at >= :from', { from: f.detectedFrom });
  if (f.detectedTo) qb.andWhere('a.detected_at < :to', { to: f.detectedTo });
  if (f.technique) qb.andWhere(':technique = ANY(a.techniques)', { technique: f.technique });
  if (f.observable) {
    // Match the stored canonical form: "Evil[.]Example.com" finds evil.example.com.
    const values = f.observableType
      ? [normaliseObservable(f.observableType, f.observable)]
      : [
          ...new Set(
            (['IP', 'DOMAIN', 'URL', 'FILE_HASH', 'HOSTNAME', 'EMAIL', 'USER'] as const).map((t) =>
              normaliseObservable(t, f.observable!),
            ),
          ),
        ];
    qb.andWhere(
      `EXISTS (SELECT 1 FROM observables o WHERE o.tenant_id = a.tenant_id AND o.alert_id = a.id AND o.value IN (:...values)${
        f.observableType ? ' AND o.type = :otype' : ''
      })`,
      { values, otype: f.observableType },
    );
  }
  if (f.text) {
    qb.andWhere(`(a.title ILIKE :text ESCAPE '\\' OR a.description ILIKE :text ESCAPE '\\')`, {
      text: `%${escapeLike(f.text)}%`,
    });
  }
}
