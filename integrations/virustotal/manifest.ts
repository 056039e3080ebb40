import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const VT_DEFAULT_BASE_URL = 'https://www.virustotal.com/api/v3';

export const manifest: IntegrationManifest = {
  id: 'virustotal',
  vendor: 'VirusTotal',
  product: 'VirusTotal API v3',
  category: 'intel',
  version: '1.0.0',
  docsUrl: 'https://docs.virustotal.com/reference/overview',
  description:
    'Reputation of file hashes, IP addresses, domains and URLs from VirusTotal’s engine verdicts, within the key’s quota.',
  settings: {
    baseUrl: {
      type: 'string',
      required: false,
      default: VT_DEFAULT_BASE_URL,
      description: `API base URL; ${VT_DEFAULT_BASE_URL} unless you go through a proxy`,
    },
    requestsPerMinute: {
      type: 'number',
      required: false,
      default: 4,
      description:
        'Requests this connection may make per minute (public keys: 4); 0 = unlimited (premium keys). ' +
        'When spent, a lookup fails retryably with the wait, and Temporal retries it later',
    },
    requestsPerDay: {
      type: 'number',
      required: false,
      default: 500,
      description:
        'Requests per UTC day (public keys: 500, VirusTotal’s published figure); 0 = unlimited (premium keys)',
    },
    cacheTtlSeconds: {
      type: 'number',
      required: false,
      default: 3600,
      description:
        'How long an answer is reused for the same observable before VirusTotal is asked again; 0 = never',
    },
    maliciousEngines: {
      type: 'number',
      required: false,
      default: 3,
      description: 'Engines that must call an observable malicious for the verdict "malicious"',
    },
    suspiciousEngines: {
      type: 'number',
      required: false,
      default: 1,
      description:
        'Engines calling it malicious or suspicious (but fewer than maliciousEngines malicious) for "suspicious"',
    },
    submitUnseenUrls: {
      type: 'boolean',
      required: false,
      default: true,
      description:
        'Submit a URL VirusTotal has never seen for analysis (it then becomes visible to VirusTotal users); ' +
        'false answers "unknown" instead',
    },
    pollIntervalMs: {
      type: 'number',
      required: false,
      default: 15000,
      description: 'Wait between reads of a URL analysis in progress',
    },
    analysisTimeoutSeconds: {
      type: 'number',
      required: false,
      default: 120,
      description:
        'How long one lookup waits for a URL analysis; beyond it the lookup fails retryably and a retry reads the result',
    },
  },
  secrets: {
    apiKey: { required: true, description: 'VirusTotal API key (sent as the x-apikey header)' },
  },
  capabilities: {
    'intel.lookup': 'lookup',
  },
};
