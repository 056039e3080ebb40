import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKeysService } from '../../auth/api-keys.service';
import { Public } from '../../auth/roles.decorator';
import { RateLimited } from '../../common/security/rate-limit';
import { AppError, httpStatusFor } from '../../common/errors/app-error';
import { ApprovalsService } from '../approvals.service';
import { BodyTooLarge, readRawBody } from '../http/raw-body';
import { ApproverIdentities, type DecidingActor } from '../identities/approver-identities.service';
import type { ApprovalModel } from '../models/approval.model';
import type { ApprovalLinkClaims } from './approval-link-token';
import { ApprovalLinks } from './approval-links.service';
import { decidedPage, approvalPage, refusalPage } from './approval-page';

type Refusal = { status: number; code: string; message: string };

/**
 * Decision links from e-mail and Teams: `GET /approvals/decide?token=` shows the approval (HTML,
 * or JSON for `Accept: application/json`), `POST` decides it. Public to the API-key guard: the
 * signed token is the credential. An e-mail link decides as the recipient it was made for; a
 * Teams link (a channel card cannot say who clicked) also needs the decider's API key. A link
 * is refused once expired or used.
 */
@Controller('approvals')
export class ApprovalLinksController {
  constructor(
    private readonly links: ApprovalLinks,
    private readonly approvals: ApprovalsService,
    private readonly identities: ApproverIdentities,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Get('decide')
  @Public()
  async show(
    @Query('token') token: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const claims = await this.claims(token);
    if ('status' in claims) return refuse(req, res, claims);
    if (claims.ch === 'email' && (await this.links.used(claims, claims.rcp))) return refuse(req, res, used());
    let approval: ApprovalModel;
    try {
      approval = await this.approvals.get(claims.tid, claims.aid);
    } catch (err) {
      if (err instanceof AppError) return refuse(req, res, fromAppError(err));
      throw err;
    }
    if (wantsJson(req)) {
      res
        .status(200)
        .json({ approval, channel: claims.ch, recipient: claims.rcp, expiresAt: iso(claims.exp) });
      return;
    }
    res
      .status(200)
      .type('html')
      .send(approvalPage(approval, token as string, claims.ch === 'teams'));
  }

  @Post('decide')
  @Public()
  @RateLimited('approval')
  async decide(
    @Query('token') queryToken: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let form: Record<string, unknown>;
    try {
      form = await formOf(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      return refuse(req, res, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: err.message });
    }
    const token = queryToken ?? (typeof form.token === 'string' ? form.token : undefined);
    const claims = await this.claims(token);
    if ('status' in claims) return refuse(req, res, claims);
    const decision = typeof form.decision === 'string' ? form.decision.toUpperCase() : '';
    if (decision !== 'APPROVE' && decision !== 'REJECT')
      return refuse(req, res, {
        status: 400,
        code: 'BAD_USER_INPUT',
        message: 'decision: APPROVE or REJECT',
      });
    const comment =
      typeof form.comment === 'string' && form.comment.trim() ? form.comment.slice(0, 4000) : undefined;

    const actor = await this.actorFor(claims, req, form);
    if ('status' in actor) return refuse(req, res, actor);
    if (!(await this.links.consume(claims, actor.id))) return refuse(req, res, used());
    let approval: ApprovalModel;
    try {
      approval = await this.approvals.decideAs(
        claims.tid,
        actor,
        { approvalId: claims.aid, decision, comment },
        claims.ch,
      );
    } catch (err) {
      if (err instanceof AppError) return refuse(req, res, fromAppError(err));
      // It never reached the workflow: the link may be used again.
      await this.links.release(claims, actor.id);
      throw err;
    }
    if (wantsJson(req)) {
      res.status(200).json({ approval, decision, actor: actor.id });
      return;
    }
    res.status(200).type('html').send(decidedPage(approval, decision));
  }

  private async claims(token: string | undefined): Promise<ApprovalLinkClaims | Refusal> {
    const checked = this.links.check(token);
    if (checked.ok) return checked.claims;
    return checked.reason === 'expired'
      ? { status: 410, code: 'EXPIRED', message: 'this decision link has expired' }
      : { status: 401, code: 'UNAUTHENTICATED', message: 'this decision link is not valid' };
  }

  /** E-mail: the recipient the link was made for. Teams: whoever presents their API key. */
  private async actorFor(
    claims: ApprovalLinkClaims,
    req: Request,
    form: Record<string, unknown>,
  ): Promise<DecidingActor | Refusal> {
    if (claims.ch === 'email') {
      const actor = await this.identities.actor(claims.tid, claims.rcp);
      return (
        actor ?? {
          status: 403,
          code: 'FORBIDDEN',
          message: 'the recipient of this link may no longer decide',
        }
      );
    }
    const header = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    const secret = header ?? (typeof form.apiKey === 'string' ? form.apiKey.trim() : '');
    if (!secret)
      return {
        status: 401,
        code: 'UNAUTHENTICATED',
        message: 'a Teams link needs your Cordon API key to decide',
      };
    try {
      const principal = await this.apiKeys.authenticate(secret);
      if (principal.tenantId !== claims.tid)
        return { status: 403, code: 'FORBIDDEN', message: 'this API key belongs to another tenant' };
      return { id: principal.actorId, name: principal.name, role: principal.role };
    } catch (err) {
      if (err instanceof AppError) return fromAppError(err);
      throw err;
    }
  }
}

function used(): Refusal {
  return { status: 409, code: 'CONFLICT', message: 'this decision link has already been used' };
}

function fromAppError(err: AppError): Refusal {
  return { status: httpStatusFor(err.code), code: err.code, message: err.message };
}

function refuse(req: Request, res: Response, r: Refusal): void {
  if (wantsJson(req)) res.status(r.status).json({ error: { code: r.code, message: r.message } });
  else res.status(r.status).type('html').send(refusalPage(r.message));
}

function wantsJson(req: Request): boolean {
  return (
    /application\/json/i.test(req.header('accept') ?? '') ||
    /application\/json/i.test(req.header('content-type') ?? '')
  );
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** The page's form (url-encoded) or a JSON body. */
async function formOf(req: Request): Promise<Record<string, unknown>> {
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body))
    return req.body as Record<string, unknown>;
  const raw = await readRawBody(req, 64 * 1024);
  if (!raw?.length) return {};
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}
