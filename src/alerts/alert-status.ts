export const ALERT_STATUSES = ['NEW', 'ACKNOWLEDGED', 'RESOLVED', 'SUPPRESSED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
