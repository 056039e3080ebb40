import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { WEBHOOK_HEADERS } from './webhook-contract';
import type { DeliveryResult } from './webhook-deliveries.service';
import { WebhookIngestService } from './webhook-ingest.service';

/**
 * Signed pushes of a tool's native JSON. Public to the API-key guard because each request
 * authenticates itself (endpoint id + HMAC signature); see WEBHOOK_CONTRACT_DESCRIPTION.
 */
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly ingest: WebhookIngestService) {}

  @Post('alerts/:source')
  @Public()
  async receive(
    @Param('source') source: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeliveryResult> {
    const outcome = await this.ingest.receive({
      source,
      endpointId: req.header(WEBHOOK_HEADERS.endpoint),
      timestamp: req.header(WEBHOOK_HEADERS.timestamp),
      deliveryId: req.header(WEBHOOK_HEADERS.delivery),
      signature: req.header(WEBHOOK_HEADERS.signature),
      // Set by webhookBodyParser (main.ts); absent when the request had no body.
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(outcome.replayed ? 200 : 202);
    return outcome.result;
  }
}
