import type { FakeRequest } from '../../../src/integrations/kit/fake-server';
import type { GraphFakeMessage } from './mail-store';

const SELECTABLE = new Set<string>([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'isRead',
  'isDraft',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'body',
  'flag',
]);

/** The `$select` list, undefined for every field, or Graph's complaint about an unknown one. */
export function selectFields(req: FakeRequest): string[] | undefined | string {
  const raw = req.query.get('$select');
  if (!raw) return undefined;
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = fields.find((f) => !SELECTABLE.has(f));
  if (unknown) return `Could not find a property named '${unknown}' on type 'microsoft.graph.message'.`;
  return fields;
}

/** A message as Graph sends it: `@odata.etag`, the id, and the selected fields (all when none). */
export function project(message: GraphFakeMessage, fields: string[] | undefined): Record<string, unknown> {
  const etag = { '@odata.etag': `W/"${message.changeKey}"` };
  if (!fields) return { ...etag, ...message };
  const out: Record<string, unknown> = { ...etag, id: message.id };
  for (const field of fields) out[field] = message[field as keyof GraphFakeMessage];
  return out;
}

export function intParam(req: FakeRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
