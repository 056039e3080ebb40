import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row of the append-only audit log (migration 1763900010000). The app may insert and read
 * it, never change it; `hash` chains it to the row before it in its tenant's chain.
 */
@Entity({ name: 'audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn('uuid') id!: string;
  /** Null: the provider-level chain (e.g. a failed login with an unknown key). */
  @Column('uuid', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
  // bigint comes back from pg as a string; chains stay far below 2^53.
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq!: number;
  @Column('text', { name: 'actor_id' }) actorId!: string;
  @Column('text', { name: 'actor_kind' }) actorKind!: string;
  @Column('text', { name: 'actor_name' }) actorName!: string;
  @Column('text') action!: string;
  @Column('text', { name: 'target_type', nullable: true }) targetType!: string | null;
  @Column('text', { name: 'target_id', nullable: true }) targetId!: string | null;
  @Column('text', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('text') outcome!: string;
  @Column('text', { name: 'change_digest', nullable: true }) changeDigest!: string | null;
  @Column('jsonb') detail!: Record<string, unknown>;
  @Column('text', { name: 'prev_hash' }) prevHash!: string;
  @Column('text') hash!: string;
}
