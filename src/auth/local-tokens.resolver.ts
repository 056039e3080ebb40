import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AppError } from '../common/errors/app-error';
import { IssueLocalTokenInput } from './dto/issue-local-token.input';
import { LOCAL_ISSUER, LocalTokens } from './local-tokens';
import { LocalTokenModel } from './models/local-token.model';
import { RequireProviderAdmin } from './roles.decorator';
import { UsersService } from './users.service';

@Resolver()
export class LocalTokensResolver {
  constructor(
    private readonly tokens: LocalTokens,
    private readonly users: UsersService,
  ) {}

  /**
   * Provider admins only: users are shared by every tenant, so a tenant admin who could name any
   * subject could sign in as another tenant's member.
   */
  @Mutation(() => LocalTokenModel, {
    description: 'Embedded mode: a sign-in token for a local user, signed by Cordon (no identity provider).',
  })
  @RequireProviderAdmin()
  async issueLocalToken(@Args('input') input: IssueLocalTokenInput): Promise<LocalTokenModel> {
    if (!this.tokens.enabled)
      throw new AppError(
        'FORBIDDEN',
        'this server issues no tokens of its own: embedded mode only (CORDON_LOCAL_TOKENS)',
      );
    const user = await this.users.bySubject(LOCAL_ISSUER, input.subject);
    const { token, expiresAt } = await this.tokens.issue({
      subject: input.subject,
      email: input.email,
      name: input.name,
      minutes: input.expiresInMinutes,
    });
    return { token, issuer: LOCAL_ISSUER, subject: input.subject, userId: user.id, expiresAt };
  }
}
