import { crowdstrikeNormaliser } from './crowdstrike.normaliser';
import { defenderNormaliser } from './defender.normaliser';
import type { SourceNormaliser } from './normaliser.types';
import { ocsfNormaliser } from './ocsf.normaliser';
import { sentineloneNormaliser } from './sentinelone.normaliser';

export { NormaliseError, type NormalisedAlert, type SourceNormaliser } from './normaliser.types';

/** The source normalisers, keyed by the source id alerts carry (and webhooks are addressed by). */
export const NORMALISERS: Record<string, SourceNormaliser> = Object.freeze({
  [crowdstrikeNormaliser.source]: crowdstrikeNormaliser,
  [defenderNormaliser.source]: defenderNormaliser,
  [sentineloneNormaliser.source]: sentineloneNormaliser,
  [ocsfNormaliser.source]: ocsfNormaliser,
});

/** The normaliser for a source id, or undefined when Cordon has none (inherited keys never match). */
export function normaliserFor(source: string): SourceNormaliser | undefined {
  return Object.hasOwn(NORMALISERS, source) ? NORMALISERS[source] : undefined;
}
