import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RoleName } from '../roles';

/** A user's role in one tenant; without a row here a user may do nothing in that tenant. */
@Entity({ name: 'tenant_members' })
export class TenantMemberEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text') role!: RoleName;
  /** The actor who added the member or last changed the role. */
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
