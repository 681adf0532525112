import { ApplicationTier } from './application-tier';
import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { EnvironmentEntity } from '../environment/environment.entity';

/** ApplicationEntity is the stored row of an application. */
@Entity({ schema: 'pipelines', name: 'application' })
export class ApplicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  team: string;

  /** Business criticality; policies read it (lower-cased) as `application.tier`. */
  @Column({ type: 'text', default: 'STANDARD' })
  tier: ApplicationTier;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany(() => EnvironmentEntity, (environment) => environment.application, { cascade: ['insert'] })
  environments: EnvironmentEntity[];
}
