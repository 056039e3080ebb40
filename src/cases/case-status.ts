export const CASE_STATUSES = ['OPEN', 'INVESTIGATING', 'CONTAINED', 'RESOLVED', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_RESOLUTIONS = ['TRUE_POSITIVE', 'BENIGN', 'FALSE_POSITIVE', 'DUPLICATE'] as const;
export type CaseResolution = (typeof CASE_RESOLUTIONS)[number];

/** Statuses in which a case still gathers alerts (correlation) and counts as open work. */
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['OPEN', 'INVESTIGATING', 'CONTAINED'];
