import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'fortinet-fortigate',
  vendor: 'Fortinet',
  product: 'FortiGate (FortiOS)',
  category: 'firewall',
  version: '1.0.0',
  docsUrl: 'https://docs.fortinet.com/product/fortigate/7.4',
  description:
    'Block and unblock IPs and domains on a FortiGate: address objects in a block address group, ' +
    'through the FortiOS REST API (changes apply at once).',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      description:
        'The FortiGate management URL, e.g. https://fgt1.example.com (with the admin port if not 443)',
    },
    vdom: {
      type: 'string',
      required: false,
      default: 'root',
      description: 'Virtual domain holding the block groups and their address objects',
    },
    blockGroup: {
      type: 'string',
      required: false,
      default: 'cordon-blocklist',
      description:
        'IPv4 address group (firewall addrgrp) that a deny policy uses; must exist. IPv4 and FQDN objects go here',
    },
    blockGroup6: {
      type: 'string',
      required: false,
      description:
        'IPv6 address group (firewall addrgrp6) for IPv6 blocks; without it IPv6 addresses are refused',
    },
  },
  secrets: {
    apiToken: {
      required: true,
      description:
        'REST API admin token (System > Administrators > REST API Admin) with read-write Firewall Address access; ' +
        "Cordon's egress IP must be one of its trusted hosts",
    },
  },
  capabilities: {
    'firewall.block_ip': 'block_ip',
    'firewall.unblock_ip': 'unblock_ip',
    'firewall.block_domain': 'block_domain',
    'firewall.unblock_domain': 'unblock_domain',
  },
};
