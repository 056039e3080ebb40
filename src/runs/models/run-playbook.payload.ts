import { Field, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { PlaybookRunModel } from './playbook-run.model';

@ObjectType('DryRunCall', { description: 'One action a dry run called (against the vendor’s fake).' })
export class DryRunCallModel {
  @Field() stepId!: string;
  @Field() action!: string;
  @Field(() => JSONScalar) input!: unknown;
  @Field(() => JSONScalar, { nullable: true }) output!: unknown;
  @Field(() => JSONScalar, { nullable: true }) error!: unknown;
}

@ObjectType('RunPlaybookPayload')
export class RunPlaybookPayload {
  @Field(() => PlaybookRunModel) run!: PlaybookRunModel;
  @Field(() => [DryRunCallModel], {
    nullable: true,
    description: 'Dry runs only: every action in the order it was called.',
  })
  calls!: DryRunCallModel[] | null;
}
