import { AlertEntity } from '../alerts/entities/alert.entity';
import { ObservableEntity } from '../alerts/entities/observable.entity';
import { ApprovalDecisionEntity } from '../approvals/entities/approval-decision.entity';
import { ApprovalEntity } from '../approvals/entities/approval.entity';
import { ApiKeyEntity } from '../auth/entities/api-key.entity';
import { CaseEntity } from '../cases/entities/case.entity';
import { CaseEventEntity } from '../cases/entities/case-event.entity';
import { CapabilityBindingEntity } from '../integrations/entities/capability-binding.entity';
import { ConnectionEntity } from '../integrations/entities/connection.entity';
import { PlaybookVersionEntity } from '../playbooks/entities/playbook-version.entity';
import { PlaybookRunEntity } from '../runs/entities/playbook-run.entity';
import { StepRunEntity } from '../runs/entities/step-run.entity';
import { TenantEntity } from '../tenancy/entities/tenant.entity';
import { InitialSchema1763900000000 } from './migrations/1763900000000-initial-schema';
import { CaseTimeline1763900002000 } from './migrations/1763900002000-case-timeline';

// Listed, not globbed: the same list works from ts under Jest and from compiled js.
export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  AlertEntity,
  ObservableEntity,
  CaseEntity,
  CaseEventEntity,
  PlaybookVersionEntity,
  PlaybookRunEntity,
  StepRunEntity,
  ApprovalEntity,
  ApprovalDecisionEntity,
  ConnectionEntity,
  CapabilityBindingEntity,
];

export const MIGRATIONS = [InitialSchema1763900000000, CaseTimeline1763900002000];
