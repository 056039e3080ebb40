import { AlertEntity } from '../alerts/entities/alert.entity';
import { AuditEntryEntity } from '../audit/entities/audit-entry.entity';
import { ObservableEntity } from '../alerts/entities/observable.entity';
import { ApprovalDecisionEntity } from '../approvals/entities/approval-decision.entity';
import { ApprovalEntity } from '../approvals/entities/approval.entity';
import { ApprovalEventEntity } from '../approvals/entities/approval-event.entity';
import { ApproverIdentityEntity } from '../approvals/entities/approver-identity.entity';
import { ApiKeyEntity } from '../auth/entities/api-key.entity';
import { TenantMemberEntity } from '../auth/entities/tenant-member.entity';
import { UserEntity } from '../auth/entities/user.entity';
import { CaseEntity } from '../cases/entities/case.entity';
import { CaseEventEntity } from '../cases/entities/case-event.entity';
import { CapabilityBindingEntity } from '../integrations/entities/capability-binding.entity';
import { ConnectionEntity } from '../integrations/entities/connection.entity';
import { PlaybookVersionEntity } from '../playbooks/entities/playbook-version.entity';
import { TenantPlaybookEntity } from '../playbooks/entities/tenant-playbook.entity';
import { PlaybookRunEntity } from '../runs/entities/playbook-run.entity';
import { StepRunEntity } from '../runs/entities/step-run.entity';
import { TenantEntity } from '../tenancy/entities/tenant.entity';
import { WebhookDeliveryEntity } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../webhooks/entities/webhook-endpoint.entity';
import { InitialSchema1763900000000 } from './migrations/1763900000000-initial-schema';
import { CaseTimeline1763900002000 } from './migrations/1763900002000-case-timeline';
import { Webhooks1763900003000 } from './migrations/1763900003000-webhooks';
import { RunLineage1763900006000 } from './migrations/1763900006000-run-lineage';
import { TenantPlaybooks1763900007000 } from './migrations/1763900007000-tenant-playbooks';
import { ApprovalsHumanInTheLoop1763900008000 } from './migrations/1763900008000-approvals-human-in-the-loop';
import { AlertDedupFilters1763900004000 } from './migrations/1763900004000-alert-dedup-filters';
import { RowLevelSecurity1763900009000 } from './migrations/1763900009000-row-level-security';
import { UsersAndMembers1763900011000 } from './migrations/1763900011000-users-and-members';
import { AuditLog1763900010000 } from './migrations/1763900010000-audit-log';
import { TenantScopedParents1763900012000 } from './migrations/1763900012000-tenant-scoped-parents';
import { AuditAppendFunction1763900013000 } from './migrations/1763900013000-audit-append-function';
import { AlertCaseKeyAtCommit1763900014000 } from './migrations/1763900014000-alert-case-key-at-commit';
import { ObservablesNaturalKey1763900015000 } from './migrations/1763900015000-observables-natural-key';
import { AuditAppendChecked1763900016000 } from './migrations/1763900016000-audit-append-checked';

// Listed, not globbed: the same list works from ts under Jest and from compiled js.
export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  AlertEntity,
  ObservableEntity,
  CaseEntity,
  CaseEventEntity,
  PlaybookVersionEntity,
  TenantPlaybookEntity,
  PlaybookRunEntity,
  StepRunEntity,
  ApprovalEntity,
  ApprovalDecisionEntity,
  ApprovalEventEntity,
  ApproverIdentityEntity,
  ConnectionEntity,
  CapabilityBindingEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  UserEntity,
  TenantMemberEntity,
  AuditEntryEntity,
];

export const MIGRATIONS = [
  InitialSchema1763900000000,
  CaseTimeline1763900002000,
  Webhooks1763900003000,
  AlertDedupFilters1763900004000,
  RunLineage1763900006000,
  TenantPlaybooks1763900007000,
  ApprovalsHumanInTheLoop1763900008000,
  RowLevelSecurity1763900009000,
  UsersAndMembers1763900011000,
  AuditLog1763900010000,
  TenantScopedParents1763900012000,
  AuditAppendFunction1763900013000,
  AlertCaseKeyAtCommit1763900014000,
  ObservablesNaturalKey1763900015000,
  AuditAppendChecked1763900016000,
];
