import { Injectable, Logger } from '@nestjs/common';
import { TenantDb } from '../../database/tenant-db';
import { eligible } from '../../workflows/approvers';
import { ApprovalEntity } from '../entities/approval.entity';
import { ApproverIdentities } from '../identities/approver-identities.service';
import { ApprovalLinks } from '../links/approval-links.service';
import {
  approvalNotice,
  caseText,
  channelKind,
  notificationAction,
  outcomeText,
  targetText,
} from './approval-message';
import { IntegrationActionRunner } from './integration-action.runner';

export interface ChannelResult {
  channel: string;
  ok: boolean;
  /** How many messages went out (e-mail: one per mapped approver). */
  sent?: number;
  error?: string;
}

/**
 * Tells people an approval waits for them, through the channels the step lists:
 * - `slack`: an interactive message with Approve / Reject buttons (its channel and ts are kept,
 *   so the outcome can replace the buttons later);
 * - `microsoft-teams` (`teams`): an Adaptive Card with a decision link (the decider signs in
 *   with their API key: a channel card cannot say who clicked);
 * - `smtp-email` (`email`): one e-mail per mapped, eligible approver, each with a personal,
 *   single-use decision link;
 * - anything else (`notify.send`, `<integration>`): a plain notification.
 */
@Injectable()
export class ApprovalNotifier {
  private readonly logger = new Logger(ApprovalNotifier.name);

  constructor(
    private readonly db: TenantDb,
    private readonly runner: IntegrationActionRunner,
    private readonly links: ApprovalLinks,
    private readonly identities: ApproverIdentities,
  ) {}

  async notify(args: {
    tenantId: string;
    approvalId: string;
    level: number;
    channels: string[];
  }): Promise<ChannelResult[]> {
    const approval = await this.load(args.tenantId, args.approvalId);
    if (!approval || approval.status !== 'PENDING') return [];
    const results: ChannelResult[] = [];
    for (const channel of [...new Set(args.channels)]) {
      try {
        const sent = await this.send(channel, approval, args.level);
        results.push({ channel, ok: true, sent });
      } catch (err) {
        const error = (err as Error).message;
        this.logger.warn({ approvalId: approval.id, channel, err: error }, 'approval notification failed');
        results.push({ channel, ok: false, error });
      }
    }
    return results;
  }

  /** Replaces the buttons of every Slack message sent about the approval with its outcome. */
  async announceOutcome(tenantId: string, approvalId: string): Promise<void> {
    const approval = await this.load(tenantId, approvalId);
    if (!approval) return;
    const messages = await this.db.run(tenantId, (em) =>
      em.query<{ ref: string }[]>(
        `SELECT ref FROM approval_messages WHERE tenant_id = $1 AND approval_id = $2 AND channel = 'slack'`,
        [tenantId, approvalId],
      ),
    );
    if (!messages.length) return;
    const text = outcomeText(approval, approval.decisions ?? []);
    const resolved = await this.runner.resolve(tenantId, 'slack.update_message');
    for (const { ref } of messages) {
      const [channel, ts] = ref.split(':');
      try {
        await this.runner.run(resolved, { channel, ts, text }, `approval:${approvalId}:outcome:${ref}`);
      } catch (err) {
        this.logger.warn(
          { approvalId, ref, err: (err as Error).message },
          'could not update the Slack message',
        );
      }
    }
  }

  private async send(channel: string, a: ApprovalEntity, level: number): Promise<number> {
    const key = `approval:${a.id}:${level}:${channel}`;
    switch (channelKind(channel)) {
      case 'slack': {
        const resolved = await this.runner.resolve(a.tenantId, 'slack.post_approval');
        const posted = await this.runner.run(
          resolved,
          {
            approval_id: a.id,
            prompt: a.prompt,
            ...(caseText(a) ? { case: caseText(a) } : {}),
            ...(targetText(a.context) ? { target: targetText(a.context) } : {}),
            ...(a.expiresAt ? { deadline: a.expiresAt.toISOString() } : {}),
          },
          key,
        );
        await this.db.run(a.tenantId, (em) =>
          em.query(
            `INSERT INTO approval_messages (tenant_id, approval_id, channel, ref, connection_id, data)
             VALUES ($1, $2, 'slack', $3, $4, $5) ON CONFLICT DO NOTHING`,
            [
              a.tenantId,
              a.id,
              `${String(posted.channel)}:${String(posted.ts)}`,
              resolved.connection.id,
              { level },
            ],
          ),
        );
        return 1;
      }
      case 'teams': {
        const resolved = await this.runner.resolve(a.tenantId, 'microsoft-teams.send_message');
        const link = this.links.issue({
          tenantId: a.tenantId,
          approvalId: a.id,
          recipient: `teams:${resolved.connection.id}`,
          channel: 'teams',
          expiresAt: a.expiresAt,
        });
        await this.runner.run(resolved, { ...approvalNotice(a), link }, key);
        return 1;
      }
      case 'email': {
        const recipients = (await this.identities.recipients(a.tenantId, 'email')).filter(
          (r) =>
            r.actor.id !== a.requestedBy &&
            eligible(a.approvers, r.actor) &&
            !(a.decisions ?? []).some((d) => d.actorId === r.actor.id),
        );
        if (!recipients.length)
          throw new Error(
            'no e-mail address is mapped to an approver of this level (mapApproverIdentity with channel EMAIL)',
          );
        const resolved = await this.runner.resolve(a.tenantId, 'smtp-email.send_message');
        for (const r of recipients) {
          const link = this.links.issue({
            tenantId: a.tenantId,
            approvalId: a.id,
            recipient: r.actor.id,
            channel: 'email',
            expiresAt: a.expiresAt,
          });
          await this.runner.run(
            resolved,
            { to: r.externalId, ...approvalNotice(a), link },
            `${key}:${r.externalId}`,
          );
        }
        return recipients.length;
      }
      case 'action': {
        const resolved = await this.runner.resolve(a.tenantId, notificationAction(channel));
        await this.runner.run(resolved, approvalNotice(a), key);
        return 1;
      }
    }
  }

  private load(tenantId: string, approvalId: string): Promise<ApprovalEntity | null> {
    return this.db.run(tenantId, (em) =>
      em.findOne(ApprovalEntity, { where: { tenantId, id: approvalId }, relations: { decisions: true } }),
    );
  }
}
