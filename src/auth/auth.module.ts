import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { AuthResolver } from './auth.resolver';
import { Authenticator } from './authenticator.service';
import { LocalTokens } from './local-tokens';
import { LocalTokensResolver } from './local-tokens.resolver';
import { MembersResolver } from './members.resolver';
import { MembersService } from './members.service';
import { OidcVerifier } from './oidc-verifier';
import { UsersService } from './users.service';
import { TenancyService } from '../tenancy/tenancy.service';

@Module({
  providers: [
    ApiKeysService,
    LocalTokens,
    OidcVerifier,
    UsersService,
    Authenticator,
    MembersService,
    TenancyService,
    AuthResolver,
    MembersResolver,
    LocalTokensResolver,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, Authenticator, TenancyService],
})
export class AuthModule {}
