import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { scrapeMetrics } from './metrics-scrape';

/**
 * Prometheus scrapes this like /health: public unless CORDON_METRICS_TOKEN is set. The token is
 * the scraper's, not an API key, so the route opts out of the API-key guard and checks it itself.
 */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @Public()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const answer = await scrapeMetrics(this.config.metrics.token, authorization);
    res.status(answer.status).set(answer.headers).send(answer.body);
  }
}
