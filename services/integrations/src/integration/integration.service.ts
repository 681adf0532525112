import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { recordAuditEvent } from '@gatehouse/audit';
import { ChangeService } from '@gatehouse/pipelines';
import type { Principal } from '@gatehouse/shared';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import type { CreateIntegrationInput, DisableIntegrationInput } from './integration.inputs';
import { CreatedIntegration, Integration, IntegrationKind, toIntegrationModel, type IntegrationRow } from './integration.model';
import { IntegrationRepository } from './integration.repository';

/** Prefix of an integration's bearer token, so a leaked one is recognisable (secret scanners). */
export const INTEGRATION_TOKEN_PREFIX = 'ghi_';

export function hashIntegrationToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** IntegrationService manages integrations (admins only) and authenticates their requests. */
@Injectable()
export class IntegrationService {
  constructor(
    private readonly integrations: IntegrationRepository,
    private readonly changes: ChangeService,
  ) {}

  async create(input: CreateIntegrationInput, principal: Principal, requestId: string | null): Promise<CreatedIntegration> {
    // Refuses an unknown application with NOT_FOUND before anything is written.
    await this.changes.list({ application: input.application }, 1, null);
    const credential =
      input.kind === IntegrationKind.CDEVENTS ? `${INTEGRATION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}` : randomBytes(32).toString('hex');
    return this.integrations.transaction(async (manager) => {
      const row = await this.integrations.insert(
        {
          name: input.name,
          kind: input.kind,
          application: input.application,
          tokenHash: input.kind === IntegrationKind.CDEVENTS ? hashIntegrationToken(credential) : null,
          secret: input.kind === IntegrationKind.GITHUB ? credential : null,
          createdBy: principal.userId,
        },
        manager,
      );
      if (!row) {
        throw new IntegrationException(IntegrationErrorReason.INTEGRATION_NAME_TAKEN, `An integration named "${input.name}" already exists; choose another name.`, {
          name: input.name,
        });
      }
      await recordAuditEvent(manager, {
        action: 'integration.created',
        actor: principal.actor,
        requestId,
        subject: { type: 'integration', id: row.id },
        application: row.application,
        data: { name: row.name, kind: row.kind },
      });
      return { integration: toIntegrationModel(row), credential };
    });
  }

  async list(): Promise<Integration[]> {
    return (await this.integrations.list()).map(toIntegrationModel);
  }

  async disable(input: DisableIntegrationInput, principal: Principal, requestId: string | null): Promise<Integration> {
    return this.integrations.transaction(async (manager) => {
      const row = await this.integrations.disable(input.id, manager);
      if (!row) throw new IntegrationException(IntegrationErrorReason.INTEGRATION_NOT_FOUND, `No integration with id "${input.id}".`, { id: input.id });
      await recordAuditEvent(manager, {
        action: 'integration.disabled',
        actor: principal.actor,
        requestId,
        subject: { type: 'integration', id: row.id },
        application: row.application,
        data: { name: row.name, kind: row.kind },
      });
      return toIntegrationModel(row);
    });
  }

  /** The enabled CDEvents integration a bearer token belongs to, or null. */
  async byToken(token: string): Promise<IntegrationRow | null> {
    if (!token.startsWith(INTEGRATION_TOKEN_PREFIX)) return null;
    const row = await this.integrations.findByTokenHash(hashIntegrationToken(token));
    return row?.kind === IntegrationKind.CDEVENTS ? row : null;
  }

  /** An integration by name, enabled or not (callers check). */
  byName(name: string): Promise<IntegrationRow | null> {
    return this.integrations.findByName(name);
  }
}
