import { createHash } from 'node:crypto';

/**
 * The tamper-evident part of the audit log, free of I/O: how a row is hashed, how a change is
 * digested without keeping secrets, and how a chain is checked. The writer, the verifier and the
 * CLI all use these, so a row written by one is checked by exactly the same rules.
 */

/** prev_hash of the first row of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_OUTCOMES = ['SUCCESS', 'FAILURE'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditActor {
  /** "apikey:<uuid>", "run:<uuid>", "system:<name>", "anonymous". */
  id: string;
  /** apiKey, user, run, system or anonymous. */
  kind: string;
  name: string;
}

/** What happened, before it has a place in a chain. */
export interface AuditEvent {
  actor: AuditActor;
  /** e.g. `mutation.createCase`, `approval.decide`, `action.call edr.isolate_host`. */
  action: string;
  target?: { type: string; id: string } | null;
  requestId?: string | null;
  outcome: AuditOutcome;
  /** SHA-256 of the change's canonical JSON (see changeDigest), or null when there is none. */
  changeDigest?: string | null;
  /** Small, non-secret facts (vendor, error code, channel). */
  detail?: Record<string, unknown>;
}

/** A row as stored: every field that the hash covers. */
export interface AuditRow {
  id: string;
  tenantId: string | null;
  seq: number;
  actorId: string;
  actorKind: string;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  createdAt: Date;
  outcome: string;
  changeDigest: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  return canonical(value, false, false);
}

/**
 * Writes canonical JSON in one pass. With `redact`, every secret value (see withoutSecrets) is
 * written as `{"sha256": …}` of it, exactly as canonicalJson(withoutSecrets(value)) would be,
 * without building the redacted copy first: a mutation's input can be a batch of 500 alerts.
 */
function canonical(value: unknown, redact: boolean, secret: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object' || value instanceof Date) {
    if (secret) return `{"sha256":${JSON.stringify(sha256Hex(canonical(value, false, false)))}}`;
    // An input that failed validation may hold an Invalid Date (e.g. detectedAt: "yesterday"):
    // its refusal is audited too, so it must digest, as JSON.stringify would write it.
    if (value instanceof Date)
      return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    return JSON.stringify(value);
  }
  // Loops and concatenation rather than map/join and template strings: a batch of 500 alerts
  // is ~10,000 members, digested on every ingest before the response.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonical(value[i], redact, secret);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = record[k];
    if (v === undefined || typeof v === 'function') continue;
    const key = keyOf(k);
    if (out.length > 1) out += ',';
    out += key.quoted;
    out += canonical(v, redact, secret || (redact && key.secret));
  }
  return out + '}';
}

/** A member name as written (`"name":`) and whether it names a credential; names repeat a lot. */
function keyOf(name: string): { quoted: string; secret: boolean } {
  let key = KEYS.get(name);
  if (!key) {
    key = { quoted: `${JSON.stringify(name)}:`, secret: SECRET_KEY.test(name) };
    // Bounded: member names come from clients (an alert's raw payload).
    if (KEYS.size < 10_000) KEYS.set(name, key);
  }
  return key;
}
const KEYS = new Map<string, { quoted: string; secret: boolean }>();

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Field names whose values are credentials: kept out of the digest in clear. */
const SECRET_KEY = /secret|password|passwd|token|credential|api_?key|private_?key|authorization/i;

/**
 * Replaces every secret value (any member of a `secrets` object, any field named like a
 * credential) by `{ sha256 }` of it: the digest still changes when a secret does, but neither
 * the log nor the digest's input ever holds one.
 */
export function withoutSecrets(value: unknown, secret = false): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== 'object' || value instanceof Date) {
    return secret ? { sha256: sha256Hex(canonicalJson(value)) } : value;
  }
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, secret));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      withoutSecrets(v, secret || SECRET_KEY.test(k)),
    ]),
  );
}

/** SHA-256 over the canonical JSON of a change (a mutation's arguments, an action's input). */
export function changeDigest(change: unknown): string | null {
  if (change === undefined) return null;
  return sha256Hex(canonical(change, true, false));
}

/** The row's hash: SHA-256 over prev_hash and the canonical JSON of everything else it holds. */
export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  return chainHash(row.prevHash, contentAroundSeq(row), row.seq);
}

/** The hash of content (split by contentAroundSeq) at position `seq`, after `prevHash`. */
export function chainHash(prevHash: string, content: { before: string; after: string }, seq: number): string {
  return sha256Hex(`${prevHash}\n${content.before}${seq}${content.after}`);
}

/**
 * The canonical JSON that a row's hash covers, split where its sequence number goes: the
 * database, which numbers rows under the chain's lock, completes and hashes it (see AuditWriter
 * and the cordon_audit_append migrations). The members are canonicalJson's, in its key order;
 * seq falls between requestId and target.
 */
export function contentAroundSeq(row: Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>): {
  before: string;
  after: string;
} {
  const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${canonicalJson(value)}`;
  const before = [
    member('action', row.action),
    member('actor', { id: row.actorId, kind: row.actorKind, name: row.actorName }),
    member('at', row.createdAt.toISOString()),
    member('changeDigest', row.changeDigest),
    member('detail', row.detail),
    member('id', row.id),
    member('outcome', row.outcome),
    member('requestId', row.requestId),
  ];
  const after = [
    member('target', row.targetType === null ? null : { type: row.targetType, id: row.targetId }),
    member('tenantId', row.tenantId),
  ];
  return { before: `{${before.join(',')},"seq":`, after: `,${after.join(',')}}` };
}

/** The next row of a chain whose head is `head` (null: the chain is empty). */
export function nextRow(
  head: { seq: number; hash: string } | null,
  at: { id: string; tenantId: string | null; createdAt: Date },
  event: AuditEvent,
): AuditRow {
  const row = { ...rowContent(at, event), seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...row, hash: rowHash(row) };
}

/** What a row records of an event, before it has a place in a chain. */
export function rowContent(
  at: { id: string; tenantId: string | null; createdAt: Date },
  event: AuditEvent,
): Omit<AuditRow, 'seq' | 'prevHash' | 'hash'> {
  return {
    id: at.id,
    tenantId: at.tenantId,
    actorId: event.actor.id,
    actorKind: event.actor.kind,
    actorName: event.actor.name,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target ? event.target.id : null,
    requestId: event.requestId ?? null,
    createdAt: at.createdAt,
    outcome: event.outcome,
    changeDigest: event.changeDigest ?? null,
    detail: event.detail ?? {},
  };
}

export interface ChainBreak {
  seq: number;
  id: string;
  problem: string;
}

/**
 * Checks rows of one chain, given in ascending seq order and possibly in batches: call `check`
 * for each row; it returns the first break and ignores everything after it.
 */
export class ChainChecker {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  count = 0;
  broken: ChainBreak | null = null;

  check(row: AuditRow): ChainBreak | null {
    if (this.broken) return this.broken;
    this.count++;
    const fail = (problem: string) => (this.broken = { seq: row.seq, id: row.id, problem });
    if (row.seq !== this.expectedSeq) {
      return fail(
        row.seq > this.expectedSeq
          ? `sequence ${this.expectedSeq} is missing (next row has sequence ${row.seq}): a row was deleted`
          : `sequence ${row.seq} appears again after ${this.expectedSeq - 1}`,
      );
    }
    if (row.prevHash !== this.prevHash) {
      return fail(
        row.seq === 1
          ? 'prev_hash of the first row is not the genesis hash'
          : `prev_hash does not match the hash of sequence ${row.seq - 1}: rows were removed, inserted or reordered`,
      );
    }
    if (rowHash(row) !== row.hash) {
      return fail('hash does not match the row content: the row was changed after it was written');
    }
    this.expectedSeq++;
    this.prevHash = row.hash;
    return null;
  }
}
