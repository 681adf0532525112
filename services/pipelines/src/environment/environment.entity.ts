import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { ApplicationEntity } from '../application/application.entity';
import { EnvironmentTier } from './environment-tier';

/** EnvironmentEntity is the stored row of one stage of an application's pipeline. */
@Entity({ schema: 'pipelines', name: 'environment' })
@Unique('environment_name_per_application', ['applicationId', 'name'])
@Unique('environment_position_per_application', ['applicationId', 'position'])
export class EnvironmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne('ApplicationEntity', 'environments', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application: ApplicationEntity;

  @Column({ type: 'text' })
  name: string;

  /** Promotion order: 0 is the first environment a change enters. */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'boolean', default: false })
  regulated: boolean;

  @Column({ type: 'text' })
  tier: EnvironmentTier;

  @Column({ type: 'text' })
  timezone: string;

  /** How long a promotion into this environment may wait for its approvals before it expires. */
  @Column({ name: 'approval_timeout_hours', type: 'int', default: 24 })
  approvalTimeoutHours: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
