import { Injectable } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import type { CaseEntity } from './entities/case.entity';
import { toCaseModel } from './mappers/case.mapper';

/** Announces a committed case change to `caseUpdated` subscribers, returning the row for chaining. */
@Injectable()
export class CaseEventsPublisher {
  constructor(private readonly events: EventBus) {}

  changed<T extends CaseEntity | CaseEntity[]>(rows: T, how: { created?: boolean } = {}): T {
    for (const row of Array.isArray(rows) ? rows : [rows]) {
      this.events.publish({
        type: 'case.updated',
        tenantId: row.tenantId,
        case: toCaseModel(row),
        ...(how.created ? { created: true } : {}),
      });
    }
    return rows;
  }
}
