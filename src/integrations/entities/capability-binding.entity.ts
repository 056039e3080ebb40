import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ConnectionEntity } from './connection.entity';

@Entity({ name: 'capability_bindings' })
export class CapabilityBindingEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** "edr.isolate_host", or a family such as "edr" covering every edr.* capability. */
  @PrimaryColumn('text') capability!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Not a column: the bound connection when a query joins it in (ConnectionsService.resolveIn). */
  connection?: ConnectionEntity | null;
}
