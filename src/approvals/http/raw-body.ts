import type { Request } from 'express';

/**
 * The request body exactly as it arrived, for routes that verify a signature over its bytes or
 * take forms. The app parses only JSON globally, so a form body is still unread here; a body a
 * parser already consumed comes back as the Buffer (raw parser) or null (JSON: not for us).
 */
export async function readRawBody(req: Request, limitBytes: number): Promise<Buffer | null> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (
    req.readableEnded ||
    (req.body !== undefined && req.body !== null && Object.keys(req.body as object).length)
  )
    return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`body: larger than ${limitBytes} bytes`);
  }
}
