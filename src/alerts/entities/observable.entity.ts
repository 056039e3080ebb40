import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { ObservableType } from '../observable-type';
import { AlertEntity } from './alert.entity';

@Entity({ name: 'observables' })
export class ObservableEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'alert_id' }) alertId!: string;
  @Column('text') type!: ObservableType;
  @Column('text') value!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @ManyToOne(() => AlertEntity, (a) => a.observables, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  // Relation<> keeps the decorator metadata from touching the class before it exists (circular import).
  alert?: Relation<AlertEntity>;
}
