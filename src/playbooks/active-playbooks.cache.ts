/**
 * Per-tenant memo of the active playbook set, which every alert ingest consults. Saves and
 * enable/disable on this replica invalidate it at once; other replicas see a change within
 * the time-to-live.
 */
export class ActivePlaybooksCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
    private readonly maxTenants = 10_000,
  ) {}

  get(tenantId: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(tenantId);
    if (hit && hit.expires > this.now()) return hit.value;
    if (this.entries.size >= this.maxTenants) this.entries.clear();
    const value = load();
    this.entries.set(tenantId, { expires: this.now() + this.ttlMs, value });
    // A failed load must not be remembered.
    value.catch(() => {
      if (this.entries.get(tenantId)?.value === value) this.entries.delete(tenantId);
    });
    return value;
  }

  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
  }

  clear(): void {
    this.entries.clear();
  }
}
