import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { checkIp } from './actions/check-ip.action';
import { ABUSEIPDB_FAKE_API_KEY, createAbuseIpdbFake } from './fake/abuseipdb.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** AbuseIPDB: community abuse reports on IP addresses. */
export const abuseipdb: IntegrationDefinition = {
  manifest,
  actions: { [checkIp.name]: checkIp },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createAbuseIpdbFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { baseUrl: url },
    secrets: { apiKey: ABUSEIPDB_FAKE_API_KEY },
  }),
};

export default abuseipdb;
