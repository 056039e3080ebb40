import { Args, ArgsType, Field, Query, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequireRole } from '../auth/roles.decorator';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { AuditLogService } from './audit-log.service';
import { AuditLogFilter } from './dto/audit-log.filter';
import { AuditEntryModel } from './models/audit-entry.model';

const AuditEntryConnection = ConnectionType(AuditEntryModel, 'AuditEntry');

@ArgsType()
class AuditLogArgs extends PageArgs {
  @Field(() => AuditLogFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditLogFilter)
  filter?: AuditLogFilter;
}

@Resolver(() => AuditEntryModel)
export class AuditResolver {
  constructor(private readonly service: AuditLogService) {}

  @Query(() => AuditEntryConnection, { description: "The tenant's audit log, newest first." })
  @RequireRole('admin')
  async auditLog(
    @CurrentPrincipal() p: Principal,
    @Args() args: AuditLogArgs,
  ): Promise<Connection<AuditEntryModel>> {
    return this.service.list(p.tenantId, args.filter ?? {}, args);
  }
}
