import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RunStatus } from '../run-status';

/** The API's projection of one workflow execution; Temporal's history is the source of truth. */
@Entity({ name: 'playbook_runs' })
export class PlaybookRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'playbook_id' }) playbookId!: string;
  @Column('uuid', { name: 'playbook_version_id' }) playbookVersionId!: string;
  @Column('text', { name: 'workflow_id' }) workflowId!: string;
  @Column('text', { name: 'temporal_run_id', nullable: true }) temporalRunId!: string | null;
  @Column('uuid', { name: 'case_id', nullable: true }) caseId!: string | null;
  @Column('uuid', { name: 'alert_id', nullable: true }) alertId!: string | null;
  @Column('text') trigger!: string;
  @Column('uuid', { name: 'parent_run_id', nullable: true }) parentRunId!: string | null;
  @Column('text', { name: 'cancel_requested_by', nullable: true }) cancelRequestedBy!: string | null;
  @Column('text', { name: 'cancel_reason', nullable: true }) cancelReason!: string | null;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('text') status!: RunStatus;
  @Column('jsonb') input!: Record<string, unknown>;
  @Column('jsonb', { nullable: true }) error!: unknown;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
