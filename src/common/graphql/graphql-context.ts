/**
 * The GraphQL context for both transports. Over HTTP it is the request; over graphql-ws there is
 * no request per operation, so the connection's `authorization` parameter stands in for the
 * header, and the one auth guard checks both the same way.
 */
export function graphqlContext(ctx: {
  req?: unknown;
  connectionParams?: Record<string, unknown>;
  extra?: unknown;
}): { req: unknown } {
  if (ctx.req) return { req: ctx.req };
  const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  // The client's address, for the failed-login limit (graphql-ws passes the upgrade request).
  const ip = (ctx.extra as { request?: { socket?: { remoteAddress?: string } } } | undefined)?.request?.socket
    ?.remoteAddress;
  return { req: { headers: { authorization: typeof auth === 'string' ? auth : undefined }, ip } };
}
