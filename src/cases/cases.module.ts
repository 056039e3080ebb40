import { Module } from '@nestjs/common';
import { CasesResolver } from './cases.resolver';
import { CasesService } from './cases.service';

@Module({ providers: [CasesService, CasesResolver], exports: [CasesService] })
export class CasesModule {}
