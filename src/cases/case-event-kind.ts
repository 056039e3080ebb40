export const CASE_EVENT_KINDS = [
  'CREATED',
  'STATUS_CHANGED',
  'ASSIGNED',
  'SEVERITY_CHANGED',
  'TAGS_CHANGED',
  'ALERT_ADDED',
  'ALERT_REMOVED',
  'COMMENT',
  'MERGED',
  'PLAYBOOK_STEP',
  'APPROVAL_DECISION',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];
