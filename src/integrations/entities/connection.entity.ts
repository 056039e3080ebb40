import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'integration_id' }) integrationId!: string;
  @Column('text') name!: string;
  @Column('jsonb') settings!: Record<string, unknown>;
  /** AES-256-GCM under the connection's data key; never leaves the server decrypted except to an activity. */
  @Column('bytea', { name: 'secrets_ciphertext', nullable: true }) secretsCiphertext!: Buffer | null;
  /** The data key, wrapped by the master key (envelope encryption). */
  @Column('bytea', { name: 'wrapped_data_key', nullable: true }) wrappedDataKey!: Buffer | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
