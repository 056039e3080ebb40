import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StepStatus } from '../run-status';

@Entity({ name: 'step_runs' })
export class StepRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'run_id' }) runId!: string;
  @Column('text', { name: 'step_id' }) stepId!: string;
  @Column('text') kind!: string;
  @Column('text', { nullable: true }) action!: string | null;
  @Column('text') status!: StepStatus;
  @Column('integer') attempts!: number;
  @Column('jsonb', { nullable: true }) input!: unknown;
  @Column('jsonb', { nullable: true }) output!: unknown;
  @Column('jsonb', { nullable: true }) error!: unknown;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
