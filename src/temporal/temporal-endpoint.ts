/** Where Temporal is, resolved at start: the embedded dev server or the configured cluster. */
export interface TemporalEndpoint {
  address: string;
  namespace: string;
  taskQueue: string;
  tls: boolean;
  apiKey: string | undefined;
}

export const TEMPORAL_ENDPOINT = Symbol('TEMPORAL_ENDPOINT');

export const SEARCH_ATTRIBUTES = { TenantId: 'Keyword', CaseId: 'Keyword', PlaybookId: 'Keyword' } as const;
