export const OBSERVABLE_TYPES = [
  'IP',
  'DOMAIN',
  'URL',
  'FILE_HASH',
  'HOSTNAME',
  /** The reporting EDR's own id for the endpoint (Falcon device id, SentinelOne agent id, …). */
  'HOST_ID',
  'USER',
  'EMAIL',
  'PROCESS',
] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];
