import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseEventKind } from '../case-event-kind';

/** One timeline entry: who changed what on a case, and when. Never updated, never deleted. */
@Entity({ name: 'case_events' })
export class CaseEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Insertion order; the timeline is sorted by it. */
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'case_id' }) caseId!: string;
  @Column('text') kind!: CaseEventKind;
  /** "apikey:<id>", "playbook:<run id>", "correlation", "system". */
  @Column('text') actor!: string;
  @Column('jsonb') data!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
