import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const IDENTITY_CHANNELS = ['slack', 'email'] as const;
export type IdentityChannel = (typeof IDENTITY_CHANNELS)[number];

/**
 * Someone outside Cordon who decides as a Cordon actor: a Slack user id (clicks on approval
 * buttons) or an e-mail address (decision links). Managed by tenant admins.
 */
@Entity({ name: 'approver_identities' })
export class ApproverIdentityEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text') channel!: IdentityChannel;
  @PrimaryColumn('text', { name: 'external_id' }) externalId!: string;
  /** "apikey:<id>": the key's role decides what the person may approve. */
  @Column('text', { name: 'actor_id' }) actorId!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
