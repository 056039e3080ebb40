import type { CaseStatus } from './case-status';

/** Allowed moves; anything else is refused with a clear error. Re-opening goes to INVESTIGATING. */
const NEXT: Record<CaseStatus, readonly CaseStatus[]> = {
  OPEN: ['INVESTIGATING', 'CONTAINED', 'RESOLVED'],
  INVESTIGATING: ['CONTAINED', 'RESOLVED'],
  CONTAINED: ['INVESTIGATING', 'RESOLVED'],
  RESOLVED: ['INVESTIGATING', 'CLOSED'],
  CLOSED: ['INVESTIGATING'],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return NEXT[from].includes(to);
}

/** Which clock a status change starts (the first time only). */
export function clockFor(
  to: CaseStatus,
): 'acknowledgedAt' | 'containedAt' | 'resolvedAt' | 'closedAt' | null {
  switch (to) {
    case 'OPEN':
      return null;
    case 'INVESTIGATING':
      return 'acknowledgedAt';
    case 'CONTAINED':
      return 'containedAt';
    case 'RESOLVED':
      return 'resolvedAt';
    case 'CLOSED':
      return 'closedAt';
  }
}
