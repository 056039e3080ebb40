/**
 * The GraphQL context for both transports. Over HTTP it is the request; over graphql-ws there is
 * no request per operation, so the connection's `authorization` (API key or user token) and
 * `x-cordon-tenant` parameters stand in for the headers, and the one auth guard checks both the
 * same way.
 */
export function graphqlContext(ctx: {
  req?: unknown;
  connectionParams?: Record<string, unknown>;
  extra?: unknown;
}): { req: unknown } {
  if (ctx.req) return { req: ctx.req };
  const params = ctx.connectionParams ?? {};
  const auth = params.authorization ?? params.Authorization;
  const tenant = params['x-cordon-tenant'] ?? params['X-Cordon-Tenant'];
  // The client's address, for the failed-login limit (graphql-ws passes the upgrade request).
  const ip = (ctx.extra as { request?: { socket?: { remoteAddress?: string } } } | undefined)?.request?.socket
    ?.remoteAddress;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { req: { headers: { authorization: text(auth), 'x-cordon-tenant': text(tenant) }, ip } };
}
