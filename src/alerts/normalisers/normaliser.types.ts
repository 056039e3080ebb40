import type { ObservableType } from '../observable-type';
import type { Severity } from '../severity';

/** One vendor detection in Cordon's alert model (aligned with OCSF Detection Finding, class 2004). */
export interface NormalisedAlert {
  /** The source id, e.g. 'crowdstrike'. */
  source: string;
  /** The vendor's stable id for the detection: what deduplication and idempotency key on. */
  sourceRef: string;
  /** At most 512 characters (longer titles end in an ellipsis). */
  title: string;
  /** At most 65,536 characters. */
  description?: string;
  severity: Severity;
  detectedAt: Date;
  /** MITRE ATT&CK ids matching /^T\d{4}(\.\d{3})?$/, deduplicated, in first-seen order. */
  techniques: string[];
  /** Canonical (refanged, normalised) and deduplicated. */
  observables: { type: ObservableType; value: string }[];
  /** The vendor's alert object exactly as received (the same reference, never modified). */
  raw: unknown;
}

/** A payload that cannot be read as the vendor's documented shape; `field` is the offending path. */
export class NormaliseError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NormaliseError';
  }
}

export interface SourceNormaliser {
  /** The source id alerts carry and webhooks are addressed by, e.g. 'crowdstrike'. */
  source: string;
  vendor: string;
  description: string;
  /** A payload may hold one alert or a batch (the vendor's list or envelope shapes). */
  normalise(payload: unknown): NormalisedAlert[];
}
