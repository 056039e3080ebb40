import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import type { ObservableType } from '../observable-type';
import { AlertEntity } from './alert.entity';

/** An entity an alert names; identified by the alert, the type and the value (no surrogate key). */
@Entity({ name: 'observables' })
export class ObservableEntity {
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'alert_id' }) alertId!: string;
  @PrimaryColumn('text') type!: ObservableType;
  @PrimaryColumn('text') value!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @ManyToOne(() => AlertEntity, (a) => a.observables, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  // Relation<> keeps the decorator metadata from touching the class before it exists (circular import).
  alert?: Relation<AlertEntity>;
}
