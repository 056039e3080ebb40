import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Severity } from '../severity';
import type { AlertStatus } from '../alert-status';
import { ObservableEntity } from './observable.entity';

@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'case_id', nullable: true }) caseId!: string | null;
  @Column('text') source!: string;
  @Column('text', { name: 'source_ref', nullable: true }) sourceRef!: string | null;
  @Column('text') fingerprint!: string;
  @Column('text', { nullable: true }) rule!: string | null;
  @Column('text') title!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text') severity!: Severity;
  @Column('text') status!: AlertStatus;
  @Column('text', { array: true }) techniques!: string[];
  @Column('jsonb', { nullable: true }) raw!: unknown;
  @Column('timestamptz', { name: 'detected_at' }) detectedAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  @Column('integer', { name: 'duplicate_count' }) duplicateCount!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @OneToMany(() => ObservableEntity, (o) => o.alert) observables?: ObservableEntity[];
}
