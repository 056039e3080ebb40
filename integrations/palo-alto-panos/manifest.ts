import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'palo-alto-panos',
  vendor: 'Palo Alto Networks',
  product: 'PAN-OS (NGFW)',
  category: 'firewall',
  version: '1.0.0',
  docsUrl: 'https://docs.paloaltonetworks.com/pan-os/11-1/pan-os-panorama-api',
  description:
    'Block and unblock IPs and domains on a Palo Alto Networks firewall: address objects in a static ' +
    'block group, committed through the PAN-OS XML API.',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      description: 'The firewall management URL, e.g. https://fw1.example.com (the XML API lives at /api/)',
    },
    vsys: {
      type: 'string',
      required: false,
      default: 'vsys1',
      description: 'Virtual system holding the block group and its address objects',
    },
    deviceName: {
      type: 'string',
      required: false,
      default: 'localhost.localdomain',
      description: 'Device entry in the config xpath; leave as is on a firewall (not Panorama)',
    },
    blockGroup: {
      type: 'string',
      required: false,
      default: 'cordon-blocklist',
      description:
        'Static address group that a deny rule uses; must exist. Cordon adds and removes cordon-ip-* / cordon-fqdn-* objects in it',
    },
    commitAdmin: {
      type: 'string',
      required: false,
      description:
        "The API key's admin name: commits then include only that admin's changes (partial commit), never another admin's pending edits",
    },
    pollIntervalMs: {
      type: 'number',
      required: false,
      default: 2000,
      description: 'Wait between polls of a commit job, in milliseconds',
    },
    commitTimeoutSeconds: {
      type: 'number',
      required: false,
      default: 600,
      description: 'How long to wait for a commit job before giving up (the step is retried later)',
    },
  },
  secrets: {
    apiKey: {
      required: true,
      description:
        'XML API key (type=keygen) of an admin whose role allows Configuration (address, address-group) and Commit',
    },
  },
  capabilities: {
    'firewall.block_ip': 'block_ip',
    'firewall.unblock_ip': 'unblock_ip',
    'firewall.block_domain': 'block_domain',
    'firewall.unblock_domain': 'unblock_domain',
  },
};
