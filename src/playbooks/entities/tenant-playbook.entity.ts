import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A tenant's settings for one playbook id: enabled, and its active saved version (null: the shipped one). */
@Entity({ name: 'tenant_playbooks' })
export class TenantPlaybookEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text', { name: 'playbook_id' }) playbookId!: string;
  @Column('boolean') enabled!: boolean;
  @Column('uuid', { name: 'active_version_id', nullable: true }) activeVersionId!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
