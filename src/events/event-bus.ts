import { Injectable, Logger } from '@nestjs/common';
import type { AlertModel } from '../alerts/models/alert.model';
import type { ApprovalModel } from '../approvals/models/approval.model';
import type { CaseModel } from '../cases/models/case.model';

export type DomainEvent =
  | { type: 'alert.ingested'; tenantId: string; alert: AlertModel }
  | {
      type: 'case.updated';
      tenantId: string;
      case: CaseModel;
      /** The change opened the case (case.created triggers). */
      created?: boolean;
    }
  | { type: 'run.updated'; tenantId: string; runId: string }
  | {
      type: 'approval.requested';
      tenantId: string;
      approval: ApprovalModel;
      /** Who started the run: never told, since they may not decide. */
      requestedBy: string | null;
    };

/** A subscriber that falls this far behind is cut off rather than buffering without bound. */
const MAX_QUEUED = 1000;

/**
 * Fans domain events out to this process's GraphQL subscriptions, scoped by tenant. Events are
 * published after the transaction that caused them commits, so nobody hears of a change that
 * was rolled back. Other processes (API replicas, workers) hear them through PgEventRelay.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly subscribers = new Set<{
    tenantId: string;
    types: Set<DomainEvent['type']>;
    push: (e: DomainEvent) => void;
  }>();

  private readonly listeners = new Set<(e: DomainEvent) => void>();

  private relay?: (e: DomainEvent) => void;

  /** Sends every event this process publishes to the other processes too (see PgEventRelay). */
  relayTo(relay: (e: DomainEvent) => void): void {
    this.relay = relay;
  }

  publish(event: DomainEvent): void {
    this.deliver(event);
    // Listeners react once, where the change happened; other processes only tell their subscribers.
    for (const listen of this.listeners) {
      try {
        listen(event);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'an event listener failed');
      }
    }
    this.relay?.(event);
  }

  /** Hands an event to this process's GraphQL subscribers (relayed events enter here). */
  deliver(event: DomainEvent): void {
    for (const s of this.subscribers)
      if (s.tenantId === event.tenantId && s.types.has(event.type)) s.push(event);
  }

  /**
   * Reactions to every tenant's events published in this process (signalling waiting runs, say);
   * returns an unsubscribe.
   */
  listen(handler: (e: DomainEvent) => void): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** An async iterator of one tenant's events of the given types; ends when the client goes away. */
  subscribe<T extends DomainEvent['type']>(
    tenantId: string,
    types: T[],
  ): AsyncIterableIterator<Extract<DomainEvent, { type: T }>> {
    const queue: DomainEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const entry = {
      tenantId,
      types: new Set<DomainEvent['type']>(types),
      push: (e: DomainEvent) => {
        if (queue.length >= MAX_QUEUED) {
          this.logger.warn({ tenantId }, 'a subscriber fell too far behind and was disconnected');
          close();
          return;
        }
        queue.push(e);
        wake?.();
      },
    };
    const close = () => {
      done = true;
      this.subscribers.delete(entry);
      wake?.();
    };
    this.subscribers.add(entry);
    const iterator: AsyncIterableIterator<Extract<DomainEvent, { type: T }>> = {
      next: async () => {
        while (!queue.length && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (queue.length) return { value: queue.shift() as Extract<DomainEvent, { type: T }>, done: false };
        return { value: undefined, done: true };
      },
      return: async () => {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
