export interface GraphqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** A minimal GraphQL-over-HTTP client, as a script or dashboard would use it. */
export function graphqlClient(url: string) {
  return async function gql<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    apiKey?: string,
  ): Promise<GraphqlResult<T>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphqlResult<T>;
  };
}

/**
 * Posts a body as given (malformed, oversized) to the GraphQL endpoint and returns the HTTP
 * status with the parsed answer: what a client sees when its request never reaches GraphQL.
 */
export async function postRaw(
  url: string,
  body: string,
  apiKey?: string,
): Promise<{ status: number; contentType: string | null; body: GraphqlResult<unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: (await res.json()) as GraphqlResult<unknown>,
  };
}

/** Polls until `probe` returns a value (not undefined), or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

export function errorCodes(result: GraphqlResult<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}
