import type { Principal } from '../src/auth/principal';
import { AlertsService } from '../src/alerts/alerts.service';
import type { AlertInput } from '../src/alerts/dto/alert.input';
import { CasesService } from '../src/cases/cases.service';
import { toCaseModel } from '../src/cases/mappers/case.mapper';
import type { CaseModel } from '../src/cases/models/case.model';
import { CaseEventsPublisher } from '../src/cases/case-events.publisher';
import { EventBus } from '../src/events/event-bus';
import { CaseUpdatesService } from '../src/cases/case-updates.service';
import { CaseMembershipService } from '../src/cases/case-membership.service';
import { CaseMetricsService } from '../src/cases/case-metrics.service';
import { PlaybooksService } from '../src/playbooks/playbooks.service';
import { RunsService } from '../src/runs/runs.service';
import { RunDispatcher } from '../src/runs/run-dispatcher';
import type { TemporalClientService } from '../src/temporal/temporal-client.service';
import { AppError } from '../src/common/errors/app-error';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * Alerts and cases on a real database (PostgreSQL with DATABASE_URL, else PGlite): dedup,
 * correlation, lifecycle, merge, timeline and metrics. No playbooks are loaded here, so no
 * run is ever queued and the dispatcher never reaches Temporal (the e2e specs cover that path).
 */
describe('alerts and cases on a real database', () => {
  let m: MigratedDatabase;
  let alerts: AlertsService;
  let cases: CasesService;
  let updates: CaseUpdatesService;
  let membership: CaseMembershipService;
  let metrics: CaseMetricsService;
  let events: EventBus;
  /** An ingest, and the alerts it stored or folded into, as the API's `alerts` field reads them. */
  const ingest = async (who: Principal, inputs: AlertInput[]) => {
    const stored = await alerts.ingest(who, inputs);
    return { ...stored, alerts: await alerts.byIds(who.tenantId, stored.alertIds) };
  };

  beforeAll(async () => {
    m = await migratedDatabase();
    events = new EventBus();
    const publisher = new CaseEventsPublisher(events);
    cases = new CasesService(m.db, publisher);
    const playbooks = new PlaybooksService(m.db);
    const runs = new RunsService(m.db, playbooks);
    const dispatcher = new RunDispatcher(
      m.db,
      undefined as unknown as TemporalClientService,
      playbooks,
      undefined as never,
    );
    alerts = new AlertsService(m.db, runs, dispatcher, events);
    updates = new CaseUpdatesService(m.db, publisher);
    membership = new CaseMembershipService(m.db, cases, publisher);
    metrics = new CaseMetricsService(m.db);
  });

  afterAll(() => m?.close());

  const principalFor = (tenantId: string): Principal => ({
    kind: 'apiKey',
    actorId: 'apikey:analyst-1',
    name: 'analyst',
    tenantId,
    role: 'admin',
    providerAdmin: false,
  });
  const alert = (over: Partial<AlertInput> = {}): AlertInput =>
    Object.assign({ source: 'edr', title: 'Suspicious process', severity: 'MEDIUM' as const }, over);
  const host = (value: string) => [{ type: 'HOSTNAME' as const, value }];
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
    return 'OK';
  };

  it('folds a repeated delivery into one alert, bumping duplicateCount and lastSeenAt', async () => {
    const p = principalFor(await m.newTenant());
    const first = await ingest(p, [
      alert({ sourceRef: 'x-1', detectedAt: new Date('2026-11-01T10:00:00Z') }),
    ]);
    const again = await ingest(p, [
      alert({ sourceRef: 'x-1', detectedAt: new Date('2026-11-01T10:05:00Z') }),
    ]);
    expect(first).toMatchObject({ created: 1, deduplicated: 0 });
    expect(again).toMatchObject({ created: 0, deduplicated: 1 });
    expect(again.alerts[0].id).toBe(first.alerts[0].id);
    expect(again.alerts[0].duplicateCount).toBe(1);
    expect(again.alerts[0].lastSeenAt.toISOString()).toBe('2026-11-01T10:05:00.000Z');
  });

  it('folds repeats only within the window, configurable per source', async () => {
    const tenantId = await m.newTenant();
    await m.db.run(tenantId, (em) =>
      em.query(
        `UPDATE tenants SET dedup = '{"windowMinutes": 60, "sources": {"av": {"windowMinutes": 5, "entityTypes": ["HOSTNAME", "IP"]}}}' WHERE id = $1`,
        [tenantId],
      ),
    );
    const p = principalFor(tenantId);
    const a = (await ingest(p, [alert({ rule: 'R1', observables: host('WS-01') })])).alerts[0];
    expect(
      (await ingest(p, [alert({ rule: 'R1', title: 'other words', observables: host('ws-01') })]))
        .deduplicated,
    ).toBe(1);
    // Age the alert past the window: the next repeat is a new alert.
    await m.db.run(tenantId, (em) =>
      em.query(`UPDATE alerts SET last_seen_at = now() - interval '2 hours' WHERE id = $1`, [a.id]),
    );
    const later = await ingest(p, [alert({ rule: 'R1', observables: host('WS-01') })]);
    expect(later.created).toBe(1);
    expect(later.alerts[0].id).not.toBe(a.id);
    // The "av" source also tells alerts apart by IP.
    const ip = (v: string) => [...host('WS-05'), { type: 'IP' as const, value: v }];
    const r1 = await ingest(p, [alert({ source: 'av', rule: 'EICAR', observables: ip('192.0.2.1') })]);
    const r2 = await ingest(p, [alert({ source: 'av', rule: 'EICAR', observables: ip('192.0.2.2') })]);
    const r3 = await ingest(p, [alert({ source: 'av', rule: 'EICAR', observables: ip('192.0.2.2') })]);
    expect([r1.created, r2.created, r3.created]).toEqual([1, 1, 0]);
  });

  it('filters alerts by severity, source, time, observable (defanged too), technique, text and status', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const [x, y] = (
      await ingest(p, [
        alert({
          sourceRef: 'f-1',
          source: 'edr',
          severity: 'HIGH',
          title: 'Beacon to C2',
          techniques: ['T1071'],
          detectedAt: new Date('2026-11-01T00:00:00Z'),
          observables: [{ type: 'IP', value: '203.0.113.7' }],
        }),
        alert({
          sourceRef: 'f-2',
          source: 'mail',
          severity: 'LOW',
          title: 'Phish reported',
          description: 'invoice lure',
          detectedAt: new Date('2026-11-05T00:00:00Z'),
          observables: [{ type: 'DOMAIN', value: 'evil.example.com' }],
        }),
      ])
    ).alerts;
    const ids = async (f: Parameters<AlertsService['list']>[1]) =>
      (await alerts.list(tenantId, f)).edges.map((e) => e.node.id);
    expect(await ids({ first: 10, severityAtLeast: 'MEDIUM' })).toEqual([x.id]);
    expect(await ids({ first: 10, source: 'mail' })).toEqual([y.id]);
    expect(await ids({ first: 10, detectedFrom: new Date('2026-11-02T00:00:00Z') })).toEqual([y.id]);
    expect(await ids({ first: 10, observable: '203.0.113[.]7' })).toEqual([x.id]);
    expect(await ids({ first: 10, observable: 'EVIL[.]example.com', observableType: 'DOMAIN' })).toEqual([
      y.id,
    ]);
    expect(await ids({ first: 10, technique: 'T1071' })).toEqual([x.id]);
    expect(await ids({ first: 10, text: 'invoice' })).toEqual([y.id]);
    expect(await ids({ first: 10, text: '100%_' })).toEqual([]);
    await alerts.setStatus(tenantId, x.id, 'ACKNOWLEDGED');
    expect(await ids({ first: 10, status: 'ACKNOWLEDGED' })).toEqual([x.id]);
    const page = await alerts.list(tenantId, { first: 1 });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await alerts.list(tenantId, { first: 1, after: page.pageInfo.endCursor! });
    expect(next.edges.map((e) => e.node.id)).not.toEqual(page.edges.map((e) => e.node.id));
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('correlates alerts sharing a host into the open case, and not into a closed one', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const a = (await ingest(p, [alert({ sourceRef: 'c-1', observables: host('WS-01'), severity: 'LOW' })]))
      .alerts[0];
    const b = (await ingest(p, [alert({ sourceRef: 'c-2', observables: host('WS-01'), severity: 'HIGH' })]))
      .alerts[0];
    const c = (await ingest(p, [alert({ sourceRef: 'c-3', observables: host('WS-02') })])).alerts[0];
    expect(b.caseId).toBe(a.caseId);
    expect(c.caseId).not.toBe(a.caseId);
    const kase = await cases.get(tenantId, a.caseId!);
    expect(kase.severity).toBe('HIGH');
    const added = (await cases.timeline(tenantId, a.caseId!)).filter((e) => e.kind === 'ALERT_ADDED');
    expect(added.map((e) => [e.actor, e.data.alertId])).toEqual([
      ['apikey:analyst-1', a.id],
      ['correlation', b.id],
    ]);

    await updates.update(p, { caseId: a.caseId!, status: 'RESOLVED' });
    await updates.update(p, { caseId: a.caseId!, status: 'CLOSED', resolution: 'TRUE_POSITIVE' });
    const d = (await ingest(p, [alert({ sourceRef: 'c-4', observables: host('WS-01') })])).alerts[0];
    expect(d.caseId).not.toBe(a.caseId);
  });

  it('handles a batch as a whole: repeats inside it fold, alerts sharing a host share one new case', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const announced: CaseModel[] = [];
    const stop = events.listen((e) => void (e.type === 'case.updated' && announced.push(e.case)));
    const res = await ingest(p, [
      alert({ sourceRef: 'b-1', observables: host('WS-77') }),
      alert({ sourceRef: 'b-1', observables: host('WS-77') }),
      alert({ sourceRef: 'b-2', observables: host('WS-77'), severity: 'CRITICAL' }),
      alert({ sourceRef: 'b-3', observables: host('WS-78') }),
    ]);
    expect(res).toMatchObject({ created: 3, deduplicated: 1 });
    const [a1, a1again, a2, a3] = res.alerts;
    expect(a1again.id).toBe(a1.id);
    expect(a1again.duplicateCount).toBe(1);
    expect(a2.caseId).toBe(a1.caseId);
    expect(a3.caseId).not.toBe(a1.caseId);
    const kase = await cases.get(tenantId, a1.caseId!);
    expect(kase.severity).toBe('CRITICAL');
    const numbers = [
      (await cases.get(tenantId, a1.caseId!)).number,
      (await cases.get(tenantId, a3.caseId!)).number,
    ].sort();
    expect(numbers).toEqual([1, 2]);
    const timeline = await cases.timeline(tenantId, a1.caseId!);
    expect(timeline.map((e) => e.kind)).toEqual(['CREATED', 'ALERT_ADDED', 'ALERT_ADDED']);
    expect(timeline[0].data).toEqual({ number: kase.number });
    // Announced as the ingest wrote them (not read back): each equals the stored case.
    stop();
    expect(announced).toHaveLength(2);
    for (const c of announced) expect(c).toEqual(toCaseModel(await cases.get(tenantId, c.id)));

    // A case that grows is announced as updated; the next opened case takes the next number.
    announced.length = 0;
    const again = events.listen((e) => void (e.type === 'case.updated' && announced.push(e.case)));
    const more = await ingest(p, [
      alert({ sourceRef: 'b-4', observables: host('WS-78'), severity: 'HIGH' }),
      alert({ sourceRef: 'b-5', observables: host('WS-79') }),
    ]);
    again();
    expect(more.alerts[0].caseId).toBe(a3.caseId);
    expect((await cases.get(tenantId, more.alerts[1].caseId!)).number).toBe(3);
    expect(announced).toHaveLength(2);
    for (const c of announced) expect(c).toEqual(toCaseModel(await cases.get(tenantId, c.id)));
    expect(announced.find((c) => c.id === a3.caseId)).toMatchObject({ severity: 'HIGH' });
  });

  it('does not correlate when the tenant turned it off', async () => {
    const tenantId = await m.newTenant();
    await m.db.run(tenantId, (em) =>
      em.query(
        `UPDATE tenants SET correlation = jsonb_set(correlation, '{enabled}', 'false') WHERE id = $1`,
        [tenantId],
      ),
    );
    const p = principalFor(tenantId);
    const [a, b] = (
      await ingest(p, [
        alert({ sourceRef: 'n-1', observables: host('WS-09') }),
        alert({ sourceRef: 'n-2', observables: host('WS-09') }),
      ])
    ).alerts;
    expect(a.caseId).not.toBe(b.caseId);
  });

  it('walks the lifecycle, refusing illegal moves and closing only with a resolution', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const { caseId } = (await ingest(p, [alert({ sourceRef: 'l-1' })])).alerts[0];
    expect(await code(updates.update(p, { caseId: caseId!, status: 'CLOSED' }))).toBe('BAD_USER_INPUT');
    expect(await code(updates.update(p, { caseId: caseId!, status: 'CLOSED', resolution: 'BENIGN' }))).toBe(
      'CONFLICT',
    );
    await updates.update(p, { caseId: caseId!, assignee: 'apikey:analyst-2', tags: ['ransomware', 'vip'] });
    await cases.setStatus(tenantId, caseId!, 'CONTAINED', 'playbook:run-1');
    await updates.update(p, { caseId: caseId!, status: 'RESOLVED' });
    const closed = await updates.update(p, {
      caseId: caseId!,
      status: 'CLOSED',
      resolution: 'TRUE_POSITIVE',
    });
    expect(closed).toMatchObject({
      status: 'CLOSED',
      resolution: 'TRUE_POSITIVE',
      assignee: 'apikey:analyst-2',
      tags: ['ransomware', 'vip'],
    });
    expect(closed.acknowledgedAt && closed.containedAt && closed.resolvedAt && closed.closedAt).toBeTruthy();
    await updates.addComment(p, { caseId: caseId!, body: '**Done.** Host reimaged.' });
    const timeline = await cases.timeline(tenantId, caseId!);
    expect(timeline.map((e) => e.kind)).toEqual([
      'CREATED',
      'ALERT_ADDED',
      'ASSIGNED',
      'TAGS_CHANGED',
      'STATUS_CHANGED',
      'STATUS_CHANGED',
      'STATUS_CHANGED',
      'COMMENT',
    ]);
    expect(timeline[4]).toMatchObject({ actor: 'playbook:run-1', data: { from: 'OPEN', to: 'CONTAINED' } });
    expect(timeline[7].data).toEqual({ body: '**Done.** Host reimaged.' });
  });

  it('merges cases: alerts move, sources close as DUPLICATE, both timelines say so', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const [a, b] = (
      await ingest(p, [
        alert({ sourceRef: 'm-1', observables: host('A') }),
        alert({ sourceRef: 'm-2', observables: host('B'), severity: 'CRITICAL' }),
      ])
    ).alerts;
    const merged = await membership.merge(p, { targetCaseId: a.caseId!, sourceCaseIds: [b.caseId!] });
    expect(merged.severity).toBe('CRITICAL');
    const source = await cases.get(tenantId, b.caseId!);
    expect(source).toMatchObject({ status: 'CLOSED', resolution: 'DUPLICATE', mergedInto: a.caseId });
    const list = await alerts.list(tenantId, { first: 10, caseId: a.caseId! });
    expect(list.totalCount).toBe(2);
    expect((await cases.timeline(tenantId, b.caseId!)).map((e) => e.kind)).toContain('MERGED');
    expect(await code(membership.merge(p, { targetCaseId: a.caseId!, sourceCaseIds: [a.caseId!] }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('keeps tenants apart: another tenant cannot see or change a case', async () => {
    const a = principalFor(await m.newTenant());
    const b = principalFor(await m.newTenant());
    const { caseId } = (await ingest(a, [alert({ sourceRef: 't-1' })])).alerts[0];
    expect(await code(cases.get(b.tenantId, caseId!))).toBe('NOT_FOUND');
    expect(await code(updates.update(b, { caseId: caseId!, status: 'INVESTIGATING' }))).toBe('NOT_FOUND');
    expect((await alerts.list(b.tenantId, { first: 10 })).totalCount).toBe(0);
  });

  it('computes MTTD, MTTA, MTTC and MTTR with percentiles and counts', async () => {
    const tenantId = await m.newTenant();
    const p = principalFor(tenantId);
    const ingested = await ingest(p, [
      alert({ sourceRef: 'k-1', severity: 'HIGH', source: 'crowdstrike' }),
      alert({ sourceRef: 'k-2', severity: 'HIGH', source: 'crowdstrike' }),
      alert({ sourceRef: 'k-3', severity: 'LOW', source: 'defender' }),
    ]);
    const ids = ingested.alerts.map((x) => x.caseId!);
    // Fix the clocks: detected at T, opened T+60s·(i+1), acknowledged +120s, contained +600s·(i+1), resolved +3600s.
    const t = Date.parse('2026-11-10T00:00:00Z');
    for (const [i, id] of ids.entries()) {
      await m.db.run(tenantId, (em) =>
        em.query(
          `UPDATE cases SET detected_at = $2, created_at = $3, acknowledged_at = $4, contained_at = $5, resolved_at = $6 WHERE id = $1`,
          [
            id,
            new Date(t),
            new Date(t + 60_000 * (i + 1)),
            new Date(t + 60_000 * (i + 1) + 120_000),
            i < 2 ? new Date(t + 600_000 * (i + 1)) : null,
            new Date(t + 3_600_000),
          ],
        ),
      );
    }
    await m.db.run(tenantId, (em) =>
      em.query(`UPDATE alerts SET created_at = $2 WHERE tenant_id = $1`, [tenantId, new Date(t + 1000)]),
    );
    const r = await metrics.metrics(tenantId, new Date(t - 1000), new Date(t + 86_400_000));
    expect(r.cases).toBe(3);
    expect(r.mttd).toEqual({ count: 3, meanSeconds: 120, p50Seconds: 120, p90Seconds: 168 });
    expect(r.mtta).toEqual({ count: 3, meanSeconds: 120, p50Seconds: 120, p90Seconds: 120 });
    expect(r.mttc).toEqual({ count: 2, meanSeconds: 900, p50Seconds: 900, p90Seconds: 1140 });
    expect(r.mttr).toMatchObject({ count: 3, meanSeconds: 3600 });
    expect(r.casesBySeverity).toEqual([
      { key: 'HIGH', count: 2 },
      { key: 'LOW', count: 1 },
    ]);
    expect(r.alertsBySource).toEqual([
      { key: 'crowdstrike', count: 2 },
      { key: 'defender', count: 1 },
    ]);
    expect(await code(metrics.metrics(tenantId, new Date(t), new Date(t - 1)))).toBe('BAD_USER_INPUT');
  });
});
