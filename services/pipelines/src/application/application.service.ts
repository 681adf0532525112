import { Injectable } from '@nestjs/common';
import { recordAuditEvent } from '@gatehouse/audit';
import { ValidationException, pageRequest, toConnection, type Principal, isUniqueViolation } from '@gatehouse/shared';

type Actor = Principal['actor'];
import { EnvironmentEntity } from '../environment/environment.entity';
import { ApplicationEntity } from './application.entity';
import { ApplicationErrorReason, ApplicationException } from './application.exception';
import { toApplicationModel, type Application, type ApplicationConnection } from './application.model';
import { ApplicationRepository } from './application.repository';
import type { ArchiveApplicationInput } from './dto/archive-application.input';
import type { CreateApplicationInput } from './dto/create-application.input';
import type { UpdateEnvironmentInput } from './dto/update-environment.input';
import { ApplicationTier } from './application-tier';


/** ApplicationService registers applications and keeps their pipelines. */
@Injectable()
export class ApplicationService {
  constructor(private readonly applications: ApplicationRepository) {}

  async create(input: CreateApplicationInput, actor: Actor, requestId: string | null): Promise<Application> {
    const seen = new Map<string, number>();
    const duplicates = input.environments.flatMap((environment, index) => {
      const first = seen.get(environment.name);
      seen.set(environment.name, first ?? index);
      return first === undefined
        ? []
        : [{ path: `input.environments[${index}].name`, message: `repeats "${environment.name}" (already at environments[${first}])` }];
    });
    if (duplicates.length > 0) throw new ValidationException(duplicates);

    try {
      return await this.applications.transaction(async (manager) => {
        if (await this.applications.findByName(input.name, manager)) throw nameTaken(input.name);
        const application = Object.assign(new ApplicationEntity(), {
          name: input.name,
          team: input.team,
          description: input.description ?? '',
          tier: input.tier ?? ApplicationTier.STANDARD,
          tags: [...new Set(input.tags ?? [])],
          archivedAt: null,
          environments: input.environments.map((environment, position) =>
            Object.assign(new EnvironmentEntity(), {
              name: environment.name,
              tier: environment.tier,
              regulated: environment.regulated ?? false,
              timezone: environment.timezone ?? 'UTC',
              approvalTimeoutHours: environment.approvalTimeoutHours ?? 24,
              position,
            }),
          ),
        });
        const saved = await this.applications.insert(application, manager);
        const model = toApplicationModel(saved);
        await recordAuditEvent(manager, {
          action: 'application.created',
          actor,
          requestId,
          subject: { type: 'application', id: saved.id },
          application: saved.name,
          data: {
            team: model.team,
            tier: model.tier,
            tags: model.tags,
            environments: model.environments.map(({ name, regulated, tier, timezone, approvalTimeoutHours }) => ({ name, regulated, tier, timezone, approvalTimeoutHours })),
          },
        });
        return model;
      });
    } catch (error) {
      // Two concurrent creates of one name: the unique index decides, the loser gets CONFLICT.
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
  }

  async get(name: string): Promise<Application> {
    const application = await this.applications.findByName(name);
    if (!application) throw notFound(name);
    return toApplicationModel(application);
  }

  async list(first: number | undefined, after: string | undefined, includeArchived: boolean): Promise<ApplicationConnection> {
    const request = pageRequest(first, after);
    const { rows, totalCount } = await this.applications.page(request, includeArchived);
    return toConnection(rows, request, totalCount, (row) => row.name, toApplicationModel);
  }

  async updateEnvironment(input: UpdateEnvironmentInput, actor: Actor, requestId: string | null): Promise<Application> {
    const changes = {
      ...(input.regulated != null && { regulated: input.regulated }),
      ...(input.tier != null && { tier: input.tier }),
      ...(input.timezone != null && { timezone: input.timezone }),
      ...(input.approvalTimeoutHours != null && { approvalTimeoutHours: input.approvalTimeoutHours }),
    };
    if (Object.keys(changes).length === 0) {
      throw new ValidationException([{ path: 'input', message: 'must change at least one of regulated, tier, timezone, approvalTimeoutHours' }]);
    }
    return this.applications.transaction(async (manager) => {
      const application = await this.applications.findByNameForUpdate(input.application, manager);
      if (!application) throw notFound(input.application);
      if (application.archivedAt) throw archived(application);
      const environment = application.environments.find((e) => e.name === input.environment);
      if (!environment) {
        throw new ApplicationException(
          ApplicationErrorReason.ENVIRONMENT_NOT_FOUND,
          `Application "${application.name}" has no environment "${input.environment}"; it has ${application.environments
            .sort((a, b) => a.position - b.position)
            .map((e) => e.name)
            .join(', ')}.`,
          { application: application.name, environment: input.environment },
        );
      }
      const before = { regulated: environment.regulated, tier: environment.tier, timezone: environment.timezone, approvalTimeoutHours: environment.approvalTimeoutHours };
      Object.assign(environment, changes);
      await this.applications.saveEnvironment(environment, manager);
      await recordAuditEvent(manager, {
        action: 'environment.updated',
        actor,
        requestId,
        subject: { type: 'environment', id: environment.id },
        application: application.name,
        environment: environment.name,
        data: {
          before,
          after: { regulated: environment.regulated, tier: environment.tier, timezone: environment.timezone, approvalTimeoutHours: environment.approvalTimeoutHours },
        },
      });
      return toApplicationModel(application);
    });
  }

  async archive(input: ArchiveApplicationInput, actor: Actor, requestId: string | null): Promise<Application> {
    return this.applications.transaction(async (manager) => {
      const application = await this.applications.findByNameForUpdate(input.name, manager);
      if (!application) throw notFound(input.name);
      if (application.archivedAt) throw archived(application);
      application.archivedAt = new Date();
      await this.applications.setArchivedAt(application.id, application.archivedAt, manager);
      await recordAuditEvent(manager, {
        action: 'application.archived',
        actor,
        requestId,
        subject: { type: 'application', id: application.id },
        application: application.name,
      });
      return toApplicationModel(application);
    });
  }
}

function notFound(name: string): ApplicationException {
  return new ApplicationException(ApplicationErrorReason.APPLICATION_NOT_FOUND, `No application named "${name}".`, {
    application: name,
  });
}

function nameTaken(name: string): ApplicationException {
  return new ApplicationException(
    ApplicationErrorReason.APPLICATION_NAME_TAKEN,
    `An application named "${name}" already exists; application names are unique (archived ones included).`,
    { application: name },
  );
}

function archived(application: ApplicationEntity): ApplicationException {
  return new ApplicationException(
    ApplicationErrorReason.APPLICATION_ARCHIVED,
    `Application "${application.name}" was archived at ${application.archivedAt?.toISOString()} and can no longer be changed.`,
    { application: application.name },
  );
}
