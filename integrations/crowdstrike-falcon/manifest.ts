import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'crowdstrike-falcon',
  vendor: 'CrowdStrike',
  product: 'Falcon',
  category: 'edr',
  version: '1.0.0',
  docsUrl: 'https://falcon.crowdstrike.com/documentation/page/a2a7fc0e/crowdstrike-oauth2-based-apis',
  description: 'Find hosts and network-contain or release them through the CrowdStrike Falcon Hosts API.',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      description:
        'API base URL of your Falcon cloud: https://api.crowdstrike.com (US-1), https://api.us-2.crowdstrike.com (US-2), ' +
        'https://api.eu-1.crowdstrike.com (EU-1), https://api.laggar.gcw.crowdstrike.com (US-GOV-1), ' +
        'https://api.us-gov-2.crowdstrike.mil (US-GOV-2)',
    },
    memberCid: {
      type: 'string',
      required: false,
      description: 'Flight Control only: the child CID to act in (sent as member_cid when fetching a token)',
    },
  },
  secrets: {
    clientId: { required: true, description: 'API client ID with the Hosts: Read and Hosts: Write scopes' },
    clientSecret: { required: true, description: 'API client secret' },
  },
  capabilities: {
    'edr.find_host': 'find_host',
    'edr.isolate_host': 'contain_host',
    'edr.release_host': 'lift_containment',
  },
};
