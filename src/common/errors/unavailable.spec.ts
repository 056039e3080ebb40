import { asUnavailable } from './unavailable';

describe('asUnavailable', () => {
  const withProps = (message: string, props: Record<string, unknown>) =>
    Object.assign(new Error(message), props);

  it.each([
    ['a refused connection', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a dropped client', new Error('Connection terminated unexpectedly')],
    ['a pool that waited too long', new Error('timeout exceeded when trying to connect')],
    ['a server shutting down (57P01)', withProps('terminating connection', { code: '57P01' })],
    ['a connection exception class (08006)', withProps('connection failure', { code: '08006' })],
    [
      'TypeORM wrapping the driver',
      withProps('query failed', { driverError: new Error('Connection terminated') }),
    ],
    ['an AggregateError of addresses', withProps('', { errors: [withProps('x', { code: 'ECONNREFUSED' })] })],
  ])('calls %s the database being unavailable', (_what, err) => {
    expect(asUnavailable(err)).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'The database is unavailable right now; retry the request shortly',
    });
  });

  it('calls Temporal out of reach (gRPC UNAVAILABLE under a ServiceError) Temporal being unavailable', () => {
    const grpc = withProps('14 UNAVAILABLE: No connection established', { code: 14, metadata: {} });
    const err = withProps('Failed to query', { name: 'ServiceError', cause: grpc });
    expect(asUnavailable(err)?.message).toBe('Temporal is unavailable right now; retry the request shortly');
    expect(asUnavailable(grpc)?.code).toBe('UNAVAILABLE');
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', withProps('duplicate key', { code: '23505' })],
    ['a numeric code that is not gRPC', withProps('odd', { code: 14 })],
    ['a non-error', 'boom'],
    [
      'a cycle',
      (() => {
        const e: Record<string, unknown> = { message: 'x' };
        e.cause = e;
        return e;
      })(),
    ],
  ])('leaves %s alone (it stays masked)', (_what, err) => {
    expect(asUnavailable(err)).toBeNull();
  });
});
