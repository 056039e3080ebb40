import type { FakeRequest, FakeResponse } from '../../../src/integrations/kit/fake-server';
import { googleError } from './gmail-responses';
import type { GmailFakeMessage } from './gmail-store';

/** `format=minimal`: what trash, untrash and modify answer with too. */
export function minimal(message: GmailFakeMessage): Record<string, unknown> {
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    snippet: message.snippet,
    sizeEstimate: message.sizeEstimate,
    historyId: message.historyId,
    internalDate: message.internalDate,
  };
}

/** `messages.get` in the requested format: minimal, metadata (with `metadataHeaders`), full or raw. */
export function formatMessage(req: FakeRequest, message: GmailFakeMessage): FakeResponse {
  const format = req.query.get('format') ?? 'full';
  const base = minimal(message);
  switch (format) {
    case 'minimal':
      return { status: 200, body: base };
    case 'metadata': {
      const wanted = req.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
      const headers = wanted.length
        ? message.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
        : message.headers;
      return { status: 200, body: { ...base, payload: { mimeType: 'multipart/alternative', headers } } };
    }
    case 'full':
      return {
        status: 200,
        body: {
          ...base,
          payload: {
            partId: '',
            mimeType: 'text/plain',
            filename: '',
            headers: message.headers,
            body: { size: message.snippet.length, data: Buffer.from(message.snippet).toString('base64url') },
          },
        },
      };
    case 'raw': {
      const head = message.headers.map((h) => `${h.name}: ${h.value}`).join('\r\n');
      const raw = `${head}\r\n\r\n${message.snippet}\r\n`;
      return { status: 200, body: { ...base, raw: Buffer.from(raw).toString('base64url') } };
    }
    default:
      return googleError(
        400,
        `Invalid value at 'format' (type.googleapis.com/gmail.Format), "${format}"`,
        'invalidArgument',
      );
  }
}
