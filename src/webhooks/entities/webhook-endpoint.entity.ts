import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  /** Chosen before insert: it is the AAD that binds the encrypted secret to this row. */
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** The normaliser id pushes to this endpoint are read with, e.g. "crowdstrike". */
  @Column('text') source!: string;
  /** The signing secret, AES-256-GCM under the row's data key; never returned after creation. */
  @Column('bytea', { name: 'secret_ciphertext' }) secretCiphertext!: Buffer;
  /** The data key, wrapped by the master key (envelope encryption). */
  @Column('bytea', { name: 'wrapped_key' }) wrappedKey!: Buffer;
  /** The secret before the last rotation, accepted until previousValidUntil. */
  @Column('bytea', { name: 'previous_secret_ciphertext', nullable: true })
  previousSecretCiphertext!: Buffer | null;
  @Column('bytea', { name: 'previous_wrapped_key', nullable: true }) previousWrappedKey!: Buffer | null;
  @Column('timestamptz', { name: 'previous_valid_until', nullable: true }) previousValidUntil!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'rotated_at', nullable: true }) rotatedAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
