import { startMetricsListener, type MetricsListener } from './metrics-listener';
import { metricsRegistry } from './metrics.registry';
import { cordonMetrics } from './cordon.metrics';

/** The worker process's own /metrics listener, over real HTTP: open, or behind the scrape token. */
describe('metrics listener', () => {
  const TOKEN = 'scrape-token-0123456789';
  const listeners: MetricsListener[] = [];
  const start = async (token?: string) => {
    const l = await startMetricsListener({ host: '127.0.0.1', port: 0, token });
    listeners.push(l);
    return l;
  };

  afterAll(async () => {
    for (const l of listeners) await l.close();
  });

  it('serves the registry in Prometheus text format without a token when none is set', async () => {
    cordonMetrics.activityRetried('listenerSpec');
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metricsRegistry.contentType);
    expect(await res.text()).toContain('cordon_activity_retries_total{activity="listenerSpec"} 1');
  });

  it('asks for the token when one is set, and refuses a wrong one', async () => {
    const { url } = await start(TOKEN);
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('cordon_playbook_runs_total');
  });

  it('serves nothing but GET /metrics', async () => {
    const { url } = await start();
    const other = await fetch(url.replace('/metrics', '/graphql'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);
  });
});
