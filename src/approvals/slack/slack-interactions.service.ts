import { Injectable, Logger } from '@nestjs/common';
import { verifySlackRequest } from '../../../integrations/slack/slack-signature';
import { AppError } from '../../common/errors/app-error';
import { TenantDb } from '../../database/tenant-db';
import { ConnectionsService } from '../../integrations/connections.service';
import { ConnectionEntity } from '../../integrations/entities/connection.entity';
import { ApprovalsService } from '../approvals.service';
import { ApproverIdentities } from '../identities/approver-identities.service';
import { parseInteraction, type ApprovalClick } from './slack-interaction.parser';

/** How long a processed interaction is remembered; Slack's own window is five minutes. */
const REPLAY_MEMORY_HOURS = 24;

export interface InteractionReply {
  status: number;
  body: Record<string, unknown>;
  /** What to tell the clicker, privately, through the payload's response_url. */
  ephemeral?: { responseUrl: string; text: string };
}

/**
 * `POST /integrations/slack/interactions`: a click on an approval message. The approval id in
 * the (still untrusted) payload names the tenant; the request must carry a valid signature by
 * one of that tenant's Slack connections' `signingSecret`, from the last five minutes, and must
 * not have been seen before. The Slack user must be mapped to a Cordon actor (mapApproverIdentity),
 * whose decision then goes to the workflow exactly as a GraphQL one does.
 */
@Injectable()
export class SlackInteractions {
  private readonly logger = new Logger(SlackInteractions.name);

  constructor(
    private readonly db: TenantDb,
    private readonly connections: ConnectionsService,
    private readonly identities: ApproverIdentities,
    private readonly approvals: ApprovalsService,
  ) {}

  async handle(args: {
    rawBody: Buffer;
    timestamp: string | undefined;
    signature: string | undefined;
  }): Promise<InteractionReply> {
    const parsed = parseInteraction(args.rawBody);
    if (parsed.kind === 'invalid') return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    if (parsed.kind === 'ignored') return { status: 200, body: {} };
    const { click } = parsed;

    const tenantId = await this.tenantOf(click.approvalId);
    const secrets = tenantId ? await this.signingSecrets(tenantId) : [];
    const checks = secrets.map((signingSecret) =>
      verifySlackRequest({
        signingSecret,
        timestamp: args.timestamp,
        signature: args.signature,
        rawBody: args.rawBody,
      }),
    );
    if (!tenantId || !checks.some((c) => c.ok)) {
      const stale = checks.some((c) => !c.ok && c.reason === 'outside-window');
      this.logger.warn({ approvalId: click.approvalId, stale }, 'refused an unverified Slack interaction');
      return { status: 401, body: { ok: false, error: stale ? 'stale_request' : 'invalid_signature' } };
    }

    if (!(await this.firstSighting(tenantId, click))) {
      this.logger.warn(
        { approvalId: click.approvalId, team: click.teamId },
        'refused a replayed Slack interaction',
      );
      return { status: 409, body: { ok: false, error: 'replayed' } };
    }

    const who = await this.identities.resolve(tenantId, 'slack', click.userId);
    if ('refused' in who)
      return this.tell(
        click,
        `Cordon did not record your decision: your Slack account (${click.userId}) is ${who.refused}. ` +
          'Ask a Cordon admin to map it to your API key (mapApproverIdentity).',
      );

    try {
      const decided = await this.approvals.decideAs(
        tenantId,
        who.actor,
        { approvalId: click.approvalId, decision: click.decision },
        'slack',
      );
      if (decided.status === 'PENDING') {
        const approvals = decided.decisions.filter((d) => d.decision === 'APPROVE').length;
        return this.tell(
          click,
          `Your ${click.decision === 'APPROVE' ? 'approval' : 'rejection'} is recorded; ` +
            `${approvals} of ${decided.quorum} approvals so far.`,
        );
      }
      // The workflow replaces the message's buttons with the outcome.
      return { status: 200, body: {} };
    } catch (err) {
      if (err instanceof AppError)
        return this.tell(click, `Cordon did not record your decision: ${err.message}.`);
      throw err;
    }
  }

  private tell(click: ApprovalClick, text: string): InteractionReply {
    const body = { response_type: 'ephemeral', replace_original: false, text };
    return click.responseUrl
      ? { status: 200, body, ephemeral: { responseUrl: click.responseUrl, text } }
      : { status: 200, body };
  }

  /** Posts an ephemeral reply to the clicker; best effort, after the 200 went back to Slack. */
  async reply(ephemeral: NonNullable<InteractionReply['ephemeral']>): Promise<void> {
    try {
      const res = await fetch(ephemeral.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: ephemeral.text }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) this.logger.warn({ status: res.status }, 'Slack refused the ephemeral reply');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not reply to the Slack interaction');
    }
  }

  private async tenantOf(approvalId: string): Promise<string | null> {
    const rows = await this.db.system((em) =>
      em.query<{ tenant_id: string }[]>(`SELECT tenant_id FROM approvals WHERE id = $1`, [approvalId]),
    );
    return rows[0]?.tenant_id ?? null;
  }

  /** Every Slack connection of the tenant may have sent it (one per workspace or app). */
  private async signingSecrets(tenantId: string): Promise<string[]> {
    const rows = await this.db.run(tenantId, (em) =>
      em.find(ConnectionEntity, { where: { tenantId, integrationId: 'slack' } }),
    );
    const secrets: string[] = [];
    for (const row of rows) {
      const opened = await this.connections.open(tenantId, row, { purpose: 'verify a Slack signature' });
      if (opened.secrets.signingSecret) secrets.push(opened.secrets.signingSecret);
    }
    return secrets;
  }

  /** Remembers the interaction; false when it was processed before (a replay). */
  private async firstSighting(tenantId: string, click: ApprovalClick): Promise<boolean> {
    return this.db.run(tenantId, async (em) => {
      await em.query(
        `DELETE FROM slack_interactions_seen WHERE seen_at < now() - make_interval(hours => $1)`,
        [REPLAY_MEMORY_HOURS],
      );
      const rows = await em.query<unknown[]>(
        `INSERT INTO slack_interactions_seen (team_id, interaction_key, tenant_id)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING team_id`,
        [click.teamId, click.interactionKey, tenantId],
      );
      return rows.length > 0;
    });
  }
}
