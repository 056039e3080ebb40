import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'capability_bindings' })
export class CapabilityBindingEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** "edr.isolate_host", or a family such as "edr" covering every edr.* capability. */
  @PrimaryColumn('text') capability!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
