import { createHash } from 'node:crypto';
import type { HttpClient } from './http-client';
import type { ActionContext } from './integration.types';

/**
 * What a step already posted through one platform client (the platform keeps one per connection
 * version): a step Temporal retries after its message went out gets the first answer back instead
 * of a second message. For vendors without an idempotency key (Slack's chat.postMessage, incoming
 * webhooks, SMTP) this is the best a single worker can do; a retry landing on another worker may
 * still send again.
 */
export class SentLedger<T> {
  private readonly perClient = new WeakMap<HttpClient, Map<string, T>>();

  constructor(private readonly capacity = 1000) {}

  recall(ctx: ActionContext, input: unknown): T | undefined {
    return this.perClient.get(ctx.http)?.get(key(ctx, input));
  }

  remember(ctx: ActionContext, input: unknown, output: T): void {
    let entries = this.perClient.get(ctx.http);
    if (!entries) this.perClient.set(ctx.http, (entries = new Map()));
    entries.set(key(ctx, input), output);
    // Oldest first: a Map iterates in insertion order.
    for (const oldest of entries.keys()) {
      if (entries.size <= this.capacity) break;
      entries.delete(oldest);
    }
  }
}

/** The same step with the same input; a re-rendered input is a new message. */
function key(ctx: ActionContext, input: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(input ?? null))
    .digest('hex');
  return `${ctx.connection.id}|${ctx.idempotencyKey}|${digest}`;
}
