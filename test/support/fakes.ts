import { defaultIntegrationDirs, discoverIntegrations } from '../../src/integrations/integration-registry';
import type { FakeVendorServer } from '../../src/integrations/kit/integration.types';

type Gql = (query: string, variables: Record<string, unknown>, key: string) => Promise<any>;

const integrations = new Map(discoverIntegrations(defaultIntegrationDirs()).map((i) => [i.manifest.id, i]));

/**
 * Starts an integration's default fake (holding the conformance fixtures) and connects the
 * tenant of `key` to it, bound to the given capabilities or families — the way an admin
 * would connect the real vendor. Returns the fake so a test can read its calls and effects.
 */
export async function connectFake(
  gql: Gql,
  key: string,
  integrationId: string,
  bind: string[],
): Promise<FakeVendorServer> {
  const definition = integrations.get(integrationId);
  if (!definition) throw new Error(`no integration "${integrationId}"`);
  const fake = definition.createFake();
  const url = await fake.start(0);
  const connection = definition.fakeConnection(url);
  await connect(
    gql,
    key,
    {
      integrationId,
      name: `${integrationId}-fake`,
      // Integrations that live on several hosts take full URLs as settings instead of a baseUrl.
      settings: {
        ...('baseUrl' in definition.manifest.settings ? { baseUrl: connection.baseUrl } : {}),
        ...connection.settings,
      },
      secrets: connection.secrets,
    },
    bind,
  );
  return fake;
}

/** Upserts a connection for the tenant of `key` and binds it to the given capabilities or families. */
export async function connect(
  gql: Gql,
  key: string,
  input: {
    integrationId: string;
    name: string;
    settings: Record<string, unknown>;
    secrets: Record<string, unknown>;
  },
  bind: string[],
): Promise<string> {
  const conn = await gql(
    `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
    { input },
    key,
  );
  if (conn.errors) throw new Error(`upsertConnection ${input.integrationId}: ${JSON.stringify(conn.errors)}`);
  for (const capability of bind) {
    const res = await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability, connectionId: conn.data.upsertConnection.id } },
      key,
    );
    if (res.errors) throw new Error(`bindCapability ${capability}: ${JSON.stringify(res.errors)}`);
  }
  return conn.data.upsertConnection.id as string;
}

export function effectsOf(fake: FakeVendorServer, capability: string): string[] {
  return fake.effects.filter((e) => e.capability === capability).map((e) => e.target);
}
