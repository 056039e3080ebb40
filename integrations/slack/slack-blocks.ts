/** Block Kit for Cordon's messages: a notification, an approval request, an outcome. */

export type SlackBlock = Record<string, unknown>;

/** Where approval buttons live; the interaction endpoint reads the approval id back from it. */
export const APPROVAL_BLOCK_PREFIX = 'approval:';
export const APPROVE_ACTION_ID = 'approve';
export const REJECT_ACTION_ID = 'reject';
/** Link buttons also send a block_actions payload; the interaction endpoint acknowledges and ignores them. */
export const OPEN_LINK_ACTION_ID = 'open_link';

// Slack's limits: section text 3000, header 150, field 2000, button label 75, block_id 255.
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const FIELD_MAX = 2000;

/** Escapes the three characters Slack's mrkdwn gives meaning to. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Plain text or Markdown as Slack mrkdwn: `[label](https://…)` becomes a Slack link, `**bold**`
 * becomes `*bold*`, and everything else is escaped so `<!channel>` in alert text stays text.
 */
export function toMrkdwn(text: string): string {
  const link = /\[([^\]\n]{1,300})\]\((https?:\/\/[^\s)]+)\)/g;
  let out = '';
  let last = 0;
  for (let m = link.exec(text); m; m = link.exec(text)) {
    out += plain(text.slice(last, m.index));
    out += `<${m[2].replace(/\|/g, '%7C')}|${escapeMrkdwn(m[1]).replace(/\|/g, '¦')}>`;
    last = m.index + m[0].length;
  }
  return out + plain(text.slice(last));
}

function plain(text: string): string {
  return escapeMrkdwn(text).replace(/\*\*([^*\n]+)\*\*/g, '*$1*');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function section(mrkdwnText: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwnText, SECTION_MAX) } };
}

function linkButton(url: string, label: string): SlackBlock {
  return {
    type: 'button',
    action_id: OPEN_LINK_ACTION_ID,
    text: { type: 'plain_text', text: label, emoji: true },
    url,
  };
}

/** A notification: optional header, the text as a section, the link as a button. */
export function notificationMessage(args: { subject?: string; text: string; link?: string }): {
  text: string;
  blocks: SlackBlock[];
} {
  const blocks: SlackBlock[] = [];
  if (args.subject) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: truncate(args.subject, HEADER_MAX), emoji: true },
    });
  }
  blocks.push(section(toMrkdwn(args.text)));
  if (args.link) blocks.push({ type: 'actions', elements: [linkButton(args.link, 'Open')] });
  // `text` is what notifications and screen readers show when blocks are present.
  const fallback = args.subject ? `${args.subject}: ${args.text}` : args.text;
  return { text: escapeMrkdwn(truncate(fallback, SECTION_MAX)), blocks };
}

export interface ApprovalRequest {
  approvalId: string;
  prompt: string;
  caseRef?: string;
  target?: string;
  /** ISO 8601; shown in each reader's own time zone. */
  deadline?: string;
  link?: string;
}

/**
 * An approval request: the prompt, its context as fields, and Approve / Reject buttons in the
 * actions block `approval:<id>` whose value is the approval id.
 */
export function approvalMessage(req: ApprovalRequest): { text: string; blocks: SlackBlock[] } {
  const prompt: SlackBlock = section(`*${toMrkdwn(req.prompt)}*`);
  if (req.link) prompt.accessory = linkButton(req.link, 'Open case');
  const fields: SlackBlock[] = [];
  const field = (label: string, value: string) =>
    fields.push({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, FIELD_MAX) });
  if (req.caseRef) field('Case', escapeMrkdwn(req.caseRef));
  if (req.target) field('Target', escapeMrkdwn(req.target));
  if (req.deadline) field('Deadline', slackDate(req.deadline));
  const blocks: SlackBlock[] = [prompt];
  if (fields.length) blocks.push({ type: 'section', fields });
  blocks.push({
    type: 'actions',
    block_id: `${APPROVAL_BLOCK_PREFIX}${req.approvalId}`,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        style: 'primary',
        value: req.approvalId,
      },
      {
        type: 'button',
        action_id: REJECT_ACTION_ID,
        text: { type: 'plain_text', text: 'Reject', emoji: true },
        style: 'danger',
        value: req.approvalId,
      },
    ],
  });
  return { text: escapeMrkdwn(truncate(`Approval needed: ${req.prompt}`, SECTION_MAX)), blocks };
}

/** The blocks that replace a message's content (its buttons included) with one section of text. */
export function textOnlyBlocks(text: string): SlackBlock[] {
  return [section(toMrkdwn(text))];
}

/** `<!date^…>` shows a time in each reader's zone; the fallback is the ISO text. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(iso)}>`;
}
