import { Args, GraphQLISODateTime, Query, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { CaseMetricsService } from './case-metrics.service';
import { MetricsModel } from './models/metrics.model';

@Resolver(() => MetricsModel)
export class MetricsResolver {
  constructor(private readonly service: CaseMetricsService) {}

  @Query(() => MetricsModel, { description: "SOC clocks and counts for the caller's tenant." })
  @RequireRole('viewer')
  async metrics(
    @CurrentPrincipal() p: Principal,
    @Args('from', { type: () => GraphQLISODateTime }) from: Date,
    @Args('to', { type: () => GraphQLISODateTime }) to: Date,
  ): Promise<MetricsModel> {
    return this.service.metrics(p.tenantId, from, to);
  }
}
