/** Roles per tenant, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'analyst', 'responder', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

export function roleAtLeast(actual: RoleName, needed: RoleName): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(needed);
}
