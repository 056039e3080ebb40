import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person known from an OIDC provider, across tenants. Read and written by cordon_system only:
 * what a tenant sees of its members comes through tenant_members and a mapper.
 */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** The provider's `iss`; with `subject`, what identifies the person (e-mail addresses change). */
  @Column('text') issuer!: string;
  @Column('text') subject!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'display_name', nullable: true }) displayName!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at', nullable: true }) lastSeenAt!: Date | null;
}
