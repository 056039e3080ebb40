import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { EventBus, type DomainEvent } from '../src/events/event-bus';
import { PgEventRelay } from '../src/events/pg-event-relay';
import { eventually } from './support/graphql-client';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * The relay between Cordon processes on one PostgreSQL database: a process alone relays
 * nothing (no serialising, no NOTIFY), and starts relaying once another process listens. Needs
 * a server that several connections share, so it runs on PostgreSQL (DATABASE_URL).
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('event relay between processes', () => {
  let m: MigratedDatabase;
  let watcher: Client;
  const relays: PgEventRelay[] = [];
  const heard: string[] = [];

  beforeAll(async () => {
    m = await migratedDatabase();
    // Listens like a relay but is no Cordon process (other application_name): not a peer.
    watcher = new Client({ connectionString: url() });
    watcher.on('notification', (n) => heard.push(n.payload ?? ''));
    await watcher.connect();
    await watcher.query('LISTEN cordon_events');
  });

  afterAll(async () => {
    for (const r of relays) await r.onModuleDestroy();
    await watcher?.end();
    await m?.close();
  });

  const url = () => (m.dataSource.options as { url: string }).url;
  const start = async (bus: EventBus) => {
    const relay = new PgEventRelay(url(), bus, m.dataSource);
    relays.push(relay);
    await relay.onApplicationBootstrap();
    return relay;
  };
  const updated = (runId: string): DomainEvent => ({ type: 'run.updated', tenantId: 't-1', runId });

  it('sends nothing while it is the only process, then relays to one that joins', async () => {
    const bus = new EventBus();
    await start(bus);
    bus.publish(updated('alone'));
    // A NOTIFY arrives within milliseconds; none may come.
    await sleep(500);
    expect(heard).toEqual([]);

    const otherBus = new EventBus();
    const received = otherBus.subscribe('t-1', ['run.updated']);
    await start(otherBus);
    // The first process looks for peers every 2 s; until it sees this one, events stay local.
    await eventually(
      async () => {
        bus.publish(updated('joined'));
        await sleep(100);
        return heard.some((p) => p.includes('"joined"')) || undefined;
      },
      'an event relayed once a second process listens',
      10_000,
    );
    expect((await received.next()).value).toEqual(updated('joined'));
    expect(heard.some((p) => p.includes('"alone"'))).toBe(false);
  });
});
