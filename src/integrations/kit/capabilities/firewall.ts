import type { CapabilityContract } from './contract';
import { bool, contracts, object, str } from './contract';

function blockContracts(kind: 'ip' | 'domain', what: string): CapabilityContract[] {
  const state = object(
    {
      [kind]: str(),
      blocked: bool(`Whether the ${what} is blocked after the call`),
      already: bool('True when it was already in the requested state'),
      object_name: str('Name of the address object the firewall holds for it'),
    },
    [kind, 'blocked', 'already'],
  );
  return [
    {
      name: `firewall.block_${kind}`,
      description: `Block traffic to and from ${what} by adding it to the tenant's block group. Idempotent.`,
      mutating: true,
      input: object({ [kind]: str(), comment: str('Why, stored on the firewall object') }, [kind]),
      output: state,
    },
    {
      name: `firewall.unblock_${kind}`,
      description: `Remove ${what} from the block group. Idempotent: one not blocked is left alone.`,
      mutating: true,
      input: object({ [kind]: str() }, [kind]),
      output: state,
    },
  ];
}

export const FIREWALL = contracts([
  ...blockContracts('ip', 'an IPv4/IPv6 address'),
  ...blockContracts('domain', 'a domain (FQDN)'),
]);
