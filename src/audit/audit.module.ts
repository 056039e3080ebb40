import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { APPROVAL_AUDIT } from '../approvals/approval-audit';
import { ApprovalAuditWriter } from './approval-audit.writer';
import { AuditLogService } from './audit-log.service';
import { AuditWriter } from './audit-writer';
import { AuditResolver } from './audit.resolver';
import { DeniedMutationAuditPlugin } from './denied-mutation-audit.plugin';
import { LoginAudit } from './login-audit';
import { MutationAuditInterceptor } from './mutation-audit.interceptor';

/**
 * The tamper-evident audit log. Global: the auth guard (failed logins), approvals (decisions),
 * connections (secret use), the action activity (vendor calls) and every GraphQL mutation (the
 * interceptor) write to it.
 */
@Global()
@Module({
  providers: [
    AuditWriter,
    AuditLogService,
    AuditResolver,
    LoginAudit,
    DeniedMutationAuditPlugin,
    { provide: APPROVAL_AUDIT, useClass: ApprovalAuditWriter },
    { provide: APP_INTERCEPTOR, useClass: MutationAuditInterceptor },
  ],
  exports: [AuditWriter, LoginAudit, APPROVAL_AUDIT],
})
export class AuditModule {}
