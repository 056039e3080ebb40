import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface DedupSettings {
  windowMinutes: number;
  /** Per source: its own window, and which observable types name the entity in the fingerprint. */
  sources: Record<string, { windowMinutes?: number; entityTypes?: string[] }>;
}

export interface CorrelationSettings {
  enabled: boolean;
  windowMinutes: number;
  entities: ('HOSTNAME' | 'USER' | 'IP' | 'EMAIL')[];
}

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** Last case number handed out; bumped under the row lock so numbers never collide. */
  @Column('integer', { name: 'case_seq' }) caseSeq!: number;
  /** Which shared entities tie a new alert to an open case, and within what window. */
  @Column('jsonb') correlation!: CorrelationSettings;
  /** How long repeats fold into one alert, and what identifies "the same" alert per source. */
  @Column('jsonb') dedup!: DedupSettings;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
