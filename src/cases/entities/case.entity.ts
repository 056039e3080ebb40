import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CaseResolution, CaseStatus } from '../case-status';
import type { Severity } from '../../alerts/severity';

@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('integer') number!: number;
  @Column('text') title!: string;
  @Column('text') severity!: Severity;
  @Column('text') status!: CaseStatus;
  @Column('text', { nullable: true }) assignee!: string | null;
  @Column('text', { nullable: true }) resolution!: CaseResolution | null;
  @Column('text', { array: true }) tags!: string[];
  @Column('text', { nullable: true }) recommendations!: string | null;
  @Column('uuid', { name: 'merged_into', nullable: true }) mergedInto!: string | null;
  @Column('timestamptz', { name: 'detected_at', nullable: true }) detectedAt!: Date | null;
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt!: Date | null;
  @Column('timestamptz', { name: 'contained_at', nullable: true }) containedAt!: Date | null;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
