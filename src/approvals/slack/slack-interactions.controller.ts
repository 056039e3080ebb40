import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../auth/roles.decorator';
import { RateLimited } from '../../common/security/rate-limit';
import { BodyTooLarge, readRawBody } from '../http/raw-body';
import { SlackInteractions } from './slack-interactions.service';

/** Slack sends small forms; anything bigger is not a click. */
const LIMIT_BYTES = 256 * 1024;

/**
 * Slack's Request URL for interactivity. Public to the API-key guard: every request proves
 * itself with Slack's signature (see SlackInteractions).
 */
@Controller('integrations/slack')
export class SlackInteractionsController {
  constructor(private readonly interactions: SlackInteractions) {}

  @Post('interactions')
  @Public()
  @RateLimited('approval')
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    let rawBody: Buffer | null;
    try {
      rawBody = await readRawBody(req, LIMIT_BYTES);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.status(413).json({ ok: false, error: 'payload_too_large' });
      return;
    }
    if (!rawBody || !/application\/x-www-form-urlencoded/i.test(req.header('content-type') ?? '')) {
      res.status(400).json({ ok: false, error: 'expected an application/x-www-form-urlencoded payload' });
      return;
    }
    const reply = await this.interactions.handle({
      rawBody,
      timestamp: req.header('x-slack-request-timestamp'),
      signature: req.header('x-slack-signature'),
    });
    // Slack wants its 200 within three seconds; the private note to the clicker follows it.
    res.status(reply.status).json(reply.body);
    if (reply.ephemeral) void this.interactions.reply(reply.ephemeral);
  }
}
