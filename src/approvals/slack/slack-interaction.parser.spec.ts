import {
  approvalClick,
  blockActionsPayload,
  signInteraction,
} from '../../../integrations/slack/fake/slack-interaction';
import { parseInteraction } from './slack-interaction.parser';

const APPROVAL = '8f3fa375-fbeb-48a5-91da-4d758d4017b9';
const channel = { id: 'C0SOCALERTS', name: 'soc-alerts' };

describe('parseInteraction (Slack block_actions, as Slack sends them)', () => {
  it('reads an Approve click: approval, decision, user, team and the replay key', () => {
    const click = approvalClick({
      signingSecret: 's',
      approvalId: APPROVAL,
      decision: 'approve',
      channel,
      messageTs: '1.000100',
    });
    const parsed = parseInteraction(Buffer.from(click.body));
    expect(parsed).toEqual({
      kind: 'approval',
      click: {
        approvalId: APPROVAL,
        decision: 'APPROVE',
        userId: 'U0ALICE0001',
        userName: 'alice',
        teamId: 'T0CORDON01',
        interactionKey: `${click.payload.trigger_id}|${click.payload.actions[0].action_ts}`,
        responseUrl: click.payload.response_url,
      },
    });
  });

  it('reads a Reject click', () => {
    const click = approvalClick({
      signingSecret: 's',
      approvalId: APPROVAL,
      decision: 'reject',
      channel,
      messageTs: '1.000100',
    });
    const parsed = parseInteraction(Buffer.from(click.body));
    expect(parsed.kind === 'approval' && parsed.click.decision).toBe('REJECT');
  });

  it('ignores link buttons and other payload types', () => {
    const link = signInteraction(
      blockActionsPayload({
        channel,
        message: { ts: '1.000100' },
        action: { action_id: 'open_link', block_id: 'b1', text: { type: 'plain_text', text: 'Open case' } },
      }),
      's',
    );
    expect(parseInteraction(Buffer.from(link.body)).kind).toBe('ignored');
    const shortcut = new URLSearchParams({ payload: JSON.stringify({ type: 'shortcut' }) }).toString();
    expect(parseInteraction(Buffer.from(shortcut)).kind).toBe('ignored');
  });

  it.each([
    ['no payload field', 'foo=bar'],
    ['a payload that is not JSON', 'payload=%7Bnope'],
    [
      'a malformed approval id',
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: 'U1' },
          team: { id: 'T1' },
          trigger_id: 't',
          actions: [{ action_id: 'approve', block_id: 'approval:../../etc', action_ts: '1' }],
        }),
      }).toString(),
    ],
  ])('refuses %s', (_what, body) => {
    expect(parseInteraction(Buffer.from(body)).kind).toBe('invalid');
  });
});
