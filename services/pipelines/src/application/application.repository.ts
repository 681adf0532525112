import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { EnvironmentEntity } from '../environment/environment.entity';
import { ApplicationEntity } from './application.entity';

/** ApplicationRepository is the only place that queries applications and their environments. */
@Injectable()
export class ApplicationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; everything an action writes (audit included) goes through it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findByName(name: string, manager: EntityManager = this.dataSource.manager): Promise<ApplicationEntity | null> {
    return manager.findOne(ApplicationEntity, { where: { name }, relations: { environments: true } });
  }

  /** Locks the application row for the rest of the transaction, so concurrent edits serialise. */
  findByNameForUpdate(name: string, manager: EntityManager): Promise<ApplicationEntity | null> {
    return manager
      .createQueryBuilder(ApplicationEntity, 'application')
      .setLock('pessimistic_write')
      .where('application.name = :name', { name })
      .getOne()
      .then(async (application) => {
        if (!application) return null;
        application.environments = await manager.find(EnvironmentEntity, { where: { applicationId: application.id } });
        return application;
      });
  }

  /** One page ordered by name (the cursor key); archived applications only when asked for. */
  async page(request: PageRequest, includeArchived: boolean): Promise<{ rows: ApplicationEntity[]; totalCount: number }> {
    const base = this.dataSource.manager.createQueryBuilder(ApplicationEntity, 'application');
    if (!includeArchived) base.where('application.archived_at IS NULL');
    const totalCount = await base.clone().getCount();
    const query = base.clone().leftJoinAndSelect('application.environments', 'environment').orderBy('application.name', 'ASC');
    if (request.after !== undefined) query.andWhere('application.name > :after', { after: request.after });
    // take() with a join pages by application, not by joined row.
    const rows = await query.take(request.first + 1).getMany();
    return { rows, totalCount };
  }

  insert(application: ApplicationEntity, manager: EntityManager): Promise<ApplicationEntity> {
    return manager.save(ApplicationEntity, application);
  }

  saveEnvironment(environment: EnvironmentEntity, manager: EntityManager): Promise<EnvironmentEntity> {
    return manager.save(EnvironmentEntity, environment);
  }

  setArchivedAt(id: string, archivedAt: Date, manager: EntityManager): Promise<unknown> {
    return manager.update(ApplicationEntity, { id }, { archivedAt });
  }

  count(): Promise<number> {
    return this.dataSource.manager.count(ApplicationEntity);
  }
}
