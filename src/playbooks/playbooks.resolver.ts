import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { PlaybooksService } from './playbooks.service';
import {
  PlaybookArgs,
  SavePlaybookInput,
  SetPlaybookEnabledInput,
  ValidatePlaybookArgs,
} from './dto/playbook.inputs';
import { PlaybookModel, PlaybookValidationModel, PlaybookVersionModel } from './models/playbook.model';
import { toPlaybookModel, toPlaybookVersionModel, toValidationModel } from './mappers/playbook.mapper';

@Resolver(() => PlaybookModel)
export class PlaybooksResolver {
  constructor(private readonly service: PlaybooksService) {}

  @Query(() => [PlaybookModel], {
    description: "The tenant's playbooks: shipped ones, its overrides and its own.",
  })
  @RequireRole('viewer')
  async playbooks(@CurrentPrincipal() p: Principal): Promise<PlaybookModel[]> {
    return (await this.service.list(p.tenantId)).map(toPlaybookModel);
  }

  @Query(() => PlaybookModel)
  @RequireRole('viewer')
  async playbook(@CurrentPrincipal() p: Principal, @Args() args: PlaybookArgs): Promise<PlaybookModel> {
    return toPlaybookModel(await this.service.get(p.tenantId, args.id));
  }

  @ResolveField(() => [PlaybookVersionModel], { description: 'Newest first.' })
  async versions(
    @CurrentPrincipal() p: Principal,
    @Parent() playbook: PlaybookModel,
  ): Promise<PlaybookVersionModel[]> {
    const rows = await this.service.versions(p.tenantId, playbook.id);
    return rows.map((row) => toPlaybookVersionModel(row, playbook.activeVersionId));
  }

  @Query(() => PlaybookValidationModel, {
    description: 'Every check savePlaybook makes, without saving: problems with their line and step.',
  })
  @RequireRole('viewer')
  async validatePlaybook(
    @CurrentPrincipal() p: Principal,
    @Args() args: ValidatePlaybookArgs,
  ): Promise<PlaybookValidationModel> {
    return toValidationModel(await this.service.validate(p.tenantId, args.source));
  }

  @Mutation(() => PlaybookVersionModel, {
    description:
      'Stores an immutable version (saving the same content again returns the same version); the newest becomes active. Invalid: BAD_USER_INPUT with extensions.problems.',
  })
  @RequireRole('admin')
  async savePlaybook(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SavePlaybookInput,
  ): Promise<PlaybookVersionModel> {
    const saved = await this.service.save(p.tenantId, input.source);
    return toPlaybookVersionModel(saved.version, saved.activeVersionId);
  }

  @Mutation(() => PlaybookModel, { description: 'Per tenant: a disabled playbook is never triggered.' })
  @RequireRole('admin')
  async setPlaybookEnabled(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SetPlaybookEnabledInput,
  ): Promise<PlaybookModel> {
    return toPlaybookModel(await this.service.setEnabled(p.tenantId, input.playbookId, input.enabled));
  }
}
