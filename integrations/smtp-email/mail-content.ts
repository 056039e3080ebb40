/** A notification as an e-mail: recipients, subject, plain text and a minimal escaped HTML part. */
import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';

export const DEFAULT_SUBJECT = 'Cordon notification';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** `a@x, B <b@y>; c@z` → the bare addresses; anything without a domain is refused by the caller. */
export function parseRecipients(list: string): { addresses: string[]; invalid: string[] } {
  const addresses: string[] = [];
  const invalid: string[] = [];
  for (const entry of addressparser(list.replace(/;/g, ','), { flatten: true })) {
    const address = entry.address.trim();
    if (/^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(address)) addresses.push(address);
    else invalid.push(address || entry.name);
  }
  return { addresses: [...new Set(addresses)], invalid };
}

/** The text as sent, the link on its own line; the HTML part says the same, escaped. */
export function mailContent(args: { subject?: string; text: string; link?: string }): MailContent {
  // Header injection is nodemailer's to prevent too; line breaks have no place in a subject anyway.
  const subject = (args.subject ?? '').replace(/[\r\n]+/g, ' ').trim() || DEFAULT_SUBJECT;
  const text = args.link ? `${args.text}\n\n${args.link}\n` : `${args.text}\n`;
  const html = [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family: sans-serif">',
    `<div style="white-space: pre-wrap">${escapeHtml(args.text)}</div>`,
    args.link ? `<p><a href="${escapeHtml(args.link)}">${escapeHtml(args.link)}</a></p>` : '',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The same step with the same input gets the same Message-ID, so mail clients (and Gmail) fold a
 * message a retry sent twice into one.
 */
export function stableMessageId(parts: {
  connectionId: string;
  idempotencyKey: string;
  input: unknown;
  from: string;
}): string {
  const digest = createHash('sha256')
    .update(`${parts.connectionId}|${parts.idempotencyKey}|${JSON.stringify(parts.input ?? null)}`)
    .digest('hex')
    .slice(0, 32);
  const domain = /@([^>\s]+)/.exec(parts.from)?.[1] ?? 'cordon.invalid';
  return `<cordon.${digest}@${domain}>`;
}
