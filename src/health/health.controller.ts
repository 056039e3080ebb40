import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator';
import { TemporalClientService } from '../temporal/temporal-client.service';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

/** Liveness says the process serves HTTP; readiness says it can do its job (PostgreSQL and Temporal answer). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClientService,
  ) {}

  @Get('live')
  @Public()
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready(@Res() res: Response): Promise<void> {
    const checks = {
      database: await this.check(() => this.dataSource.query('SELECT 1')),
      temporal: await this.check(() => this.temporal.ping()),
    };
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  }

  private async check(probe: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
    try {
      await withTimeout(probe());
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', error: (err as Error).message };
    }
  }
}
