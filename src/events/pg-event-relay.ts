import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventBus, type DomainEvent } from './event-bus';

/** The database URL to relay events through, or null when one process is all there is (embedded). */
export const EVENT_RELAY_URL = Symbol('EVENT_RELAY_URL');

const CHANNEL = 'cordon_events';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7_900;
/** Every listening connection says so in its application_name, followed by its origin. */
const LISTENER_NAME = 'cordon-events:';
/** How often a process looks for others listening; events before one is seen are not relayed. */
const PEER_CHECK_MS = 2_000;

/**
 * Carries domain events between Cordon processes through PostgreSQL LISTEN/NOTIFY, so an API
 * replica's subscribers hear what another replica, or a worker, committed. Every process
 * delivers its own events locally at once and ignores their echo; events from others arrive
 * through one dedicated listening connection, re-established after a drop. Delivery is at most
 * once, as it is for any subscriber that reconnects: subscriptions are live views, not a log.
 * A process alone on its database (one `all`-mode process) relays nothing: it looks every
 * PEER_CHECK_MS for another process's listening connection, by its application_name, and
 * serialises and sends events only while there is one.
 */
@Injectable()
export class PgEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PgEventRelay.name);
  private readonly origin = randomUUID();
  /** How every payload this process sends begins. */
  private readonly head = `{"origin":"${this.origin}","events":[`;
  private listener?: Client;
  private closing = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly pending: string[] = [];
  private peers = false;
  private peerTimer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_RELAY_URL) private readonly url: string | null,
    private readonly bus: EventBus,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.url) return;
    this.bus.relayTo((event) => this.send(event));
    await this.listen();
    await this.checkPeers();
    this.peerTimer = setInterval(() => void this.checkPeers(), PEER_CHECK_MS);
    this.peerTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.peerTimer) clearInterval(this.peerTimer);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.url ?? undefined,
      application_name: `${LISTENER_NAME}${this.origin}`,
    });
    client.on('notification', (msg) => this.receive(msg.payload));
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'event relay connection lost; reconnecting');
      this.reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'event relay could not listen; retrying');
      await client.end().catch(() => undefined);
      this.reconnect();
    }
  }

  private reconnect(): void {
    if (this.closing || this.retryTimer) return;
    this.listener = undefined;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.listen();
    }, 2_000);
    this.retryTimer.unref();
  }

  /** Whether another Cordon process listens on this database; when unsure, assume one does. */
  private async checkPeers(): Promise<void> {
    try {
      const [row] = await this.dataSource.query<{ peers: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                         WHERE datname = current_database() AND application_name LIKE $1 AND application_name <> $2) AS peers`,
        [`${LISTENER_NAME}%`, `${LISTENER_NAME}${this.origin}`],
      );
      if (row.peers !== this.peers)
        this.logger.log(
          row.peers ? 'relaying events to other processes' : 'no other process listens; events stay local',
        );
      this.peers = row.peers;
    } catch (err) {
      this.peers = true;
      this.logger.warn({ err: (err as Error).message }, 'could not look for other processes; relaying');
    }
  }

  private receive(payload: string | undefined): void {
    // Our own NOTIFYs come back too; their head says so, without parsing the events.
    if (!payload || payload.startsWith(this.head)) return;
    try {
      const { events } = JSON.parse(payload) as { events: DomainEvent[] };
      for (const event of events) this.bus.deliver(event);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'ignored a malformed relayed event');
    }
  }

  /**
   * Queues an event; what is queued within one turn of the event loop goes out packed into as
   * few NOTIFYs as fit (an ingest of 500 alerts is a handful of round trips, not 500).
   */
  private send(event: DomainEvent): void {
    if (!this.peers) return;
    this.pending.push(JSON.stringify(slim(event)));
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const queued = this.pending.splice(0);
    const head = this.head;
    const payloads: string[] = [];
    let batch: string[] = [];
    let size = head.length + 2;
    const pack = () => {
      if (!batch.length) return;
      payloads.push(`${head}${batch.join(',')}]}`);
      batch = [];
      size = head.length + 2;
    };
    for (const event of queued) {
      const bytes = Buffer.byteLength(event) + 1;
      if (head.length + 2 + bytes > MAX_PAYLOAD) {
        this.logger.warn('an event too large to relay to other processes was delivered locally only');
        continue;
      }
      if (size + bytes > MAX_PAYLOAD) pack();
      batch.push(event);
      size += bytes;
    }
    pack();
    if (!payloads.length) return;
    // All of a turn's NOTIFYs in one statement: one round trip, delivered in order at commit.
    // (PostgreSQL folds identical payloads within a transaction; each carries distinct events.)
    this.dataSource
      .query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [
        CHANNEL,
        payloads,
      ])
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not relay events'));
  }
}

/** Drops the bulky, rarely subscribed-to parts (an alert's native payload) before relaying. */
function slim(event: DomainEvent): DomainEvent {
  if (event.type !== 'alert.ingested') return event;
  const alert: Record<string, unknown> = { ...event.alert };
  delete alert.raw;
  delete alert.description;
  return { ...event, alert: alert as unknown as typeof event.alert };
}
