import { CAPABILITIES, capabilityFamily } from '../integrations/kit/capabilities';
import type { IntegrationDefinition } from '../integrations/kit/integration.types';
import { BUILTIN_ACTIONS } from '../workflows/playbook.types';

/** What a playbook may call: the parser asks this instead of reaching for the integration registry. */
export interface ActionCatalogue {
  /** A capability, a built-in, or `<integration-id>.<action>` of an installed integration. */
  has(name: string): boolean;
  /** Where an approval may announce itself: an action above or an installed integration's id. */
  isChannel(name: string): boolean;
  /** Every name known for certain, for "did you mean". */
  names(): string[];
}

type Installed = Pick<IntegrationDefinition, 'manifest' | 'actions'>;

/**
 * The catalogue for a set of installed integrations. Without them (a parse with no context),
 * capabilities and built-ins are still checked strictly and any other `<vendor>.<action>` is
 * given the benefit of the doubt, since the vendor might be installed where the playbook runs.
 */
export function actionCatalogue(installed?: readonly Installed[]): ActionCatalogue {
  const known = new Set<string>([...Object.keys(CAPABILITIES), ...Object.keys(BUILTIN_ACTIONS)]);
  const families = new Set([...known].map(capabilityFamily));
  const integrationIds = new Set<string>();
  for (const integration of installed ?? []) {
    integrationIds.add(integration.manifest.id);
    for (const action of Object.keys(integration.actions)) known.add(`${integration.manifest.id}.${action}`);
  }
  const has = (name: string): boolean => {
    if (known.has(name)) return true;
    if (installed) return false;
    const family = capabilityFamily(name);
    return name.includes('.') && !families.has(family);
  };
  return {
    has,
    isChannel: (name) => has(name) || integrationIds.has(name) || (!installed && !name.includes('.')),
    names: () => [...known].sort(),
  };
}

/** Adapts the `(name) => boolean` form callers may pass instead of a catalogue. */
export function asCatalogue(
  known: ActionCatalogue | ((name: string) => boolean) | undefined,
): ActionCatalogue {
  if (!known) return actionCatalogue();
  if (typeof known !== 'function') return known;
  const base = actionCatalogue([]);
  return {
    has: (name) => base.has(name) || known(name),
    isChannel: (name) => base.has(name) || known(name),
    names: () => base.names(),
  };
}
