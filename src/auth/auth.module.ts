import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { AuthResolver } from './auth.resolver';
import { TenancyService } from '../tenancy/tenancy.service';

@Module({
  providers: [ApiKeysService, TenancyService, AuthResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService, TenancyService],
})
export class AuthModule {}
