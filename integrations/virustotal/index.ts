import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { lookup } from './actions/lookup.action';
import { createVirusTotalFake, VT_FAKE_API_KEY } from './fake/virustotal.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** VirusTotal: reputation of hashes, IPs, domains and URLs, within the key's quota. */
export const virustotal: IntegrationDefinition = {
  manifest,
  actions: { [lookup.name]: lookup },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createVirusTotalFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    // A short poll so URL submissions against the fake settle at once; the quota stays the public key's.
    settings: { baseUrl: url, pollIntervalMs: 10 },
    secrets: { apiKey: VT_FAKE_API_KEY },
  }),
};

export default virustotal;
