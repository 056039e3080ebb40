const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from clients are checked before they reach SQL: a malformed id is simply "not found". */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
