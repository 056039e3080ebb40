import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { ApprovalEntity } from './approval.entity';

@Entity({ name: 'approval_decisions' })
export class ApprovalDecisionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('text', { name: 'actor_id' }) actorId!: string;
  @Column('text', { name: 'actor_name' }) actorName!: string;
  @Column('text') decision!: 'APPROVE' | 'REJECT';
  @Column('text', { nullable: true }) comment!: string | null;
  @Column('text') channel!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @ManyToOne(() => ApprovalEntity, (a) => a.decisions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'approval_id' })
  approval?: Relation<ApprovalEntity>;
}
