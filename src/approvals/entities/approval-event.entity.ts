import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const APPROVAL_EVENT_KINDS = ['REQUESTED', 'NOTIFIED', 'DECISION', 'ESCALATED', 'CLOSED'] as const;
export type ApprovalEventKind = (typeof APPROVAL_EVENT_KINDS)[number];

/** One transition of an approval. Never updated, never deleted. */
@Entity({ name: 'approval_events' })
export class ApprovalEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('text') kind!: ApprovalEventKind;
  /** "apikey:<id>" for a decision, "playbook:<run id>" for what the workflow did. */
  @Column('text') actor!: string;
  @Column('jsonb') data!: Record<string, unknown>;
  @Column('text', { name: 'event_key' }) eventKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
