import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/json.scalar';

export enum PlaybookOrigin {
  SHIPPED = 'SHIPPED',
  SAVED = 'SAVED',
}
registerEnumType(PlaybookOrigin, {
  name: 'PlaybookOrigin',
  description: 'SHIPPED: from playbooks/ in this installation; SAVED: saved by the tenant (savePlaybook).',
});

@ObjectType('PlaybookVersion', {
  description: 'One immutable version of a playbook, identified by its content hash.',
})
export class PlaybookVersionModel {
  @Field(() => ID) id!: string;
  @Field() playbookId!: string;
  @Field() name!: string;
  @Field({ description: 'SHA-256 of the source text.' }) contentHash!: string;
  @Field(() => PlaybookOrigin) origin!: PlaybookOrigin;
  @Field({ description: 'The YAML as saved.' }) source!: string;
  @Field(() => JSONScalar, { description: 'The parsed definition runs of this version interpret.' })
  definition!: unknown;
  @Field({ description: "Whether this is the tenant's active version of the playbook." }) active!: boolean;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('Playbook', {
  description: 'A playbook as the tenant has it: its active version and whether it is enabled.',
})
export class PlaybookModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field({ description: 'alert.created, case.created, case.updated or manual.' }) triggerEvent!: string;
  @Field(() => String, { nullable: true, description: 'JSONata over the event that must hold to start.' })
  triggerWhen!: string | null;
  @Field({ description: 'Per tenant; a disabled playbook is never triggered.' }) enabled!: boolean;
  @Field(() => ID) activeVersionId!: string;
  @Field({ description: 'Content hash of the active version.' }) contentHash!: string;
  @Field(() => PlaybookOrigin, { description: 'Where the active version comes from.' })
  origin!: PlaybookOrigin;
  @Field({ description: "True when the tenant's saved version replaces a shipped playbook of the same id." })
  overridesShipped!: boolean;
  @Field(() => Int, { description: 'Versions the tenant can see: its saved ones and the shipped ones.' })
  versionsCount!: number;
}

@ObjectType('PlaybookProblem')
export class PlaybookProblemModel {
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => String, { nullable: true }) stepId!: string | null;
  @Field({ description: 'What is wrong, where, and what would be right.' }) message!: string;
}

@ObjectType('PlaybookValidation')
export class PlaybookValidationModel {
  @Field() valid!: boolean;
  @Field(() => [PlaybookProblemModel]) problems!: PlaybookProblemModel[];
  @Field(() => String, { nullable: true, description: 'The playbook id, when valid.' }) playbookId!:
    string | null;
  @Field(() => String, { nullable: true, description: 'The content hash a save would store, when valid.' })
  contentHash!: string | null;
}
