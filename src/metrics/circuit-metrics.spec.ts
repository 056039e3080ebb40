import * as http from 'node:http';
import { HttpClient } from '../integrations/kit/http-client';
import { VendorError } from '../integrations/kit/vendor-error';
import { metricsRegistry } from './metrics.registry';

/** The breaker gauge follows a real client's circuit: opened by failures, closed by a good probe. */
describe('circuit breaker metrics', () => {
  let server: http.Server;
  let url: string;
  let status = 503;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const metric = async (name: string): Promise<number | undefined> => {
    const json = await metricsRegistry.getSingleMetric(name)?.get();
    return json?.values.find((v) => v.labels.vendor === 'breaker-test')?.value;
  };

  it('counts openings; a circuit is open until a probe succeeds or its client is retired', async () => {
    let clock = 1_000_000;
    const client = new HttpClient({
      vendor: 'Breaker Test',
      integration: 'breaker-test',
      baseUrl: url,
      maxAttempts: 1,
      breaker: { failureThreshold: 2, resetAfterMs: 10_000 },
      now: () => clock,
    });
    const call = () => client.request({ method: 'GET', path: '/status' });
    await expect(call()).rejects.toBeInstanceOf(VendorError);
    expect(await metric('cordon_integration_circuits_open')).toBeUndefined();
    await expect(call()).rejects.toBeInstanceOf(VendorError);
    expect(client.breakerState()).toBe('open');
    expect(await metric('cordon_integration_circuits_open')).toBe(1);
    expect(await metric('cordon_integration_circuit_openings_total')).toBe(1);
    // Labelled by the integration's id, never the vendor's display name.
    expect(await metricsRegistry.metrics()).not.toContain('Breaker Test');

    status = 200;
    clock += 10_000;
    await expect(call()).resolves.toMatchObject({ status: 200 });
    expect(client.breakerState()).toBe('closed');
    expect(await metric('cordon_integration_circuits_open')).toBe(0);
    expect(await metric('cordon_integration_circuit_openings_total')).toBe(1);

    // Opened again, then replaced (its connection changed): no longer counted as open.
    status = 503;
    await expect(call()).rejects.toBeInstanceOf(VendorError);
    await expect(call()).rejects.toBeInstanceOf(VendorError);
    expect(await metric('cordon_integration_circuits_open')).toBe(1);
    client.retire();
    expect(await metric('cordon_integration_circuits_open')).toBe(0);
    expect(await metric('cordon_integration_circuit_openings_total')).toBe(2);
  });
});
