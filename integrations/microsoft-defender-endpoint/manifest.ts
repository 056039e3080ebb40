import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';
import { DEFAULT_LOGIN_URL } from '../../src/integrations/kit/microsoft-identity';
import { DEFAULT_SCOPE } from './mde.client';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from '../../src/integrations/kit/polling';

export const manifest: IntegrationManifest = {
  id: 'microsoft-defender-endpoint',
  vendor: 'Microsoft',
  product: 'Defender for Endpoint',
  category: 'edr',
  version: '1.0.0',
  docsUrl: 'https://learn.microsoft.com/en-us/defender-endpoint/api/apis-intro',
  description:
    'Find machines, isolate them or release them, and stop and quarantine files through the Microsoft Defender for Endpoint API.',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      default: 'https://api.security.microsoft.com',
      description:
        'API base URL: https://api.security.microsoft.com, or a regional host (https://us.api.security.microsoft.com, ' +
        'eu., uk., au., swa., ina., aea.); US Government tenants use their own hosts',
    },
    tenantId: {
      type: 'string',
      required: true,
      description:
        'Microsoft Entra tenant ID (GUID) or primary domain of the tenant that holds the app registration',
    },
    loginUrl: {
      type: 'string',
      required: false,
      default: DEFAULT_LOGIN_URL,
      description:
        'Microsoft Entra authority; the token URL is {loginUrl}/{tenantId}/oauth2/v2.0/token. ' +
        'https://login.microsoftonline.us for US Government clouds',
    },
    scope: {
      type: 'string',
      required: false,
      default: DEFAULT_SCOPE,
      description:
        'OAuth2 scope asked for; change only for sovereign clouds (e.g. https://api-gov.securitycenter.microsoft.us/.default)',
    },
    pollIntervalMs: {
      type: 'number',
      required: false,
      default: DEFAULT_POLL_INTERVAL_MS,
      description: 'Milliseconds between two reads of a running machine action',
    },
    pollTimeoutMs: {
      type: 'number',
      required: false,
      default: DEFAULT_POLL_TIMEOUT_MS,
      description:
        'How long an action waits for its machine action to finish before reporting it pending (an offline machine stays pending)',
    },
  },
  secrets: {
    clientId: {
      required: true,
      description:
        'Application (client) ID of the Entra app registration with the WindowsDefenderATP application permissions ' +
        'Machine.Read.All, Machine.Isolate and Machine.StopAndQuarantine (admin consent granted)',
    },
    clientSecret: { required: true, description: 'A client secret of that app registration' },
  },
  capabilities: {
    'edr.find_host': 'find_machine',
    'edr.isolate_host': 'isolate_machine',
    'edr.release_host': 'release_machine',
    'edr.quarantine_file': 'stop_and_quarantine_file',
  },
};
