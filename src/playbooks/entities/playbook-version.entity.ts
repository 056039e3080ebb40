import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PlaybookDefinition } from '../../workflows/playbook.types';

/** One immutable version of a playbook, identified by the hash of its source. */
@Entity({ name: 'playbook_versions' })
export class PlaybookVersionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Null for the playbooks shipped in playbooks/, which every tenant may run. */
  @Column('uuid', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
  @Column('text', { name: 'playbook_id' }) playbookId!: string;
  @Column('text', { name: 'content_hash' }) contentHash!: string;
  @Column('text') name!: string;
  @Column('text') source!: string;
  @Column('jsonb') definition!: PlaybookDefinition;
  @Column('text') origin!: 'shipped' | 'saved';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
