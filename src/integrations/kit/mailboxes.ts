import { VendorError } from './vendor-error';

/** A comma-, semicolon- or space-separated list (or an array) of addresses, de-duplicated ignoring case. */
export function parseMailboxList(value: unknown): string[] {
  const parts = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,;]+/)
      : [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const mailbox = part.trim();
    if (!mailbox || seen.has(mailbox.toLowerCase())) continue;
    seen.add(mailbox.toLowerCase());
    out.push(mailbox);
  }
  return out;
}

/** The mailboxes an action works on: the input's when it names any, else the connection's setting. */
export function targetMailboxes(vendor: string, input: unknown, setting: unknown): string[] {
  const given = parseMailboxList(input);
  const mailboxes = given.length ? given : parseMailboxList(setting);
  if (!mailboxes.length) {
    throw new VendorError({
      vendor,
      code: 'BAD_INPUT',
      message: 'no mailboxes: name them in the input or in the connection’s mailboxes setting',
      retryable: false,
    });
  }
  return mailboxes;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. After
 * a failure no new item starts; the first error is thrown once the running ones have settled.
 */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
