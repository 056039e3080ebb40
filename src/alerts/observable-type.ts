export const OBSERVABLE_TYPES = [
  'IP',
  'DOMAIN',
  'URL',
  'FILE_HASH',
  'HOSTNAME',
  'USER',
  'EMAIL',
  'PROCESS',
] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];
