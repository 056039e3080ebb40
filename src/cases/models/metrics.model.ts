import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class DurationStats {
  @Field(() => Int, { description: 'Cases that have both ends of this clock.' }) count!: number;
  @Field(() => Float, { nullable: true }) meanSeconds!: number | null;
  @Field(() => Float, { nullable: true }) p50Seconds!: number | null;
  @Field(() => Float, { nullable: true }) p90Seconds!: number | null;
}

@ObjectType()
export class KeyCount {
  @Field() key!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('Metrics')
export class MetricsModel {
  @Field(() => GraphQLISODateTime) from!: Date;
  @Field(() => GraphQLISODateTime) to!: Date;
  @Field(() => Int, { description: 'Cases opened in the range (merged duplicates excluded).' })
  cases!: number;
  @Field(() => Int, { description: 'Alerts received in the range.' }) alerts!: number;
  @Field(() => DurationStats, { description: 'Mean time to detect: earliest alert → case opened.' })
  mttd!: DurationStats;
  @Field(() => DurationStats, {
    description: 'Mean time to acknowledge: case opened → taken or investigated.',
  })
  mtta!: DurationStats;
  @Field(() => DurationStats, { description: 'Mean time to contain: earliest alert → contained.' })
  mttc!: DurationStats;
  @Field(() => DurationStats, { description: 'Mean time to resolve: earliest alert → resolved.' })
  mttr!: DurationStats;
  @Field(() => [KeyCount]) casesBySeverity!: KeyCount[];
  @Field(() => [KeyCount]) casesByStatus!: KeyCount[];
  @Field(() => [KeyCount]) alertsBySource!: KeyCount[];
}
