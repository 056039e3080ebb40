import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const ABUSEIPDB_DEFAULT_BASE_URL = 'https://api.abuseipdb.com/api/v2';

export const manifest: IntegrationManifest = {
  id: 'abuseipdb',
  vendor: 'AbuseIPDB',
  product: 'AbuseIPDB APIv2',
  category: 'intel',
  version: '1.0.0',
  docsUrl: 'https://docs.abuseipdb.com/#check-endpoint',
  description: 'Reputation of IP addresses from AbuseIPDB’s community reports (abuse confidence score).',
  settings: {
    baseUrl: {
      type: 'string',
      required: false,
      default: ABUSEIPDB_DEFAULT_BASE_URL,
      description: `API base URL; ${ABUSEIPDB_DEFAULT_BASE_URL} unless you go through a proxy`,
    },
    maxAgeInDays: {
      type: 'number',
      required: false,
      default: 90,
      description: 'Only reports from the last this many days count (1-365)',
    },
    maliciousScore: {
      type: 'number',
      required: false,
      default: 75,
      description: 'abuseConfidenceScore from which the verdict is "malicious"',
    },
    suspiciousScore: {
      type: 'number',
      required: false,
      default: 25,
      description: 'abuseConfidenceScore from which the verdict is "suspicious" (below it: "harmless")',
    },
    dailyLimit: {
      type: 'number',
      required: false,
      default: 1000,
      description:
        'Checks this connection may make per UTC day (your plan’s /check limit; free: 1,000); 0 = no local limit. ' +
        'When spent, a lookup fails retryably until the reset and Temporal retries it then',
    },
    cacheTtlSeconds: {
      type: 'number',
      required: false,
      default: 3600,
      description: 'How long an answer is reused for the same IP before AbuseIPDB is asked again; 0 = never',
    },
  },
  secrets: {
    apiKey: { required: true, description: 'AbuseIPDB APIv2 key (sent as the Key header)' },
  },
  capabilities: {
    'intel.lookup': 'check_ip',
  },
};
