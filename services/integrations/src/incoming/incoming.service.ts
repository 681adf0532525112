import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordStandaloneAuditEvent } from '@gatehouse/audit';
import { ChangeService, EvidenceService } from '@gatehouse/pipelines';
import type { Principal } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { integrationPrincipal } from '../integration/integration.principal';
import type { IntegrationRow } from '../integration/integration.model';
import { IntegrationRepository } from '../integration/integration.repository';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import type { IncomingAction } from './incoming.action';
import { DeploymentReporter } from './deployment.reporter';

/** Where an incoming request came from, for the audit trail. */
export interface RequestInfo {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

/** IncomingOutcome is the answer to one incoming event. */
export type IncomingOutcome =
  | { outcome: 'registered'; change: string; version: string; evidence: number }
  | { outcome: 'evidence'; change: string; evidence: number }
  | { outcome: 'deployment'; change: string; promotion: string; status: string }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate'; delivery: string };

/**
 * IncomingService applies one incoming event in ONE transaction: the receipt of its delivery
 * id, the change, its evidence, the links for later events, and their audit events. A part
 * that is refused rolls the whole event back, so a payload that is partly wrong never leaves a
 * half-registered change, and the sender's retry is not mistaken for a duplicate.
 */
@Injectable()
export class IncomingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly integrations: IntegrationRepository,
    private readonly changes: ChangeService,
    private readonly evidence: EvidenceService,
    private readonly deployments: DeploymentReporter,
  ) {}

  async apply(integration: IntegrationRow, deliveryId: string, event: string, action: IncomingAction, request: RequestInfo): Promise<IncomingOutcome> {
    const principal = integrationPrincipal(integration, request);
    if (action.kind === 'deployment') return this.applyDeployment(integration, deliveryId, event, action, principal, request);
    return this.dataSource.transaction(async (manager) => {
      const fresh = await this.integrations.claimReceipt(integration.id, deliveryId, event, action.kind, manager);
      if (!fresh) return { outcome: 'duplicate', delivery: deliveryId };
      switch (action.kind) {
        case 'ignore':
          return { outcome: 'ignored', reason: action.reason };
        case 'register': {
          const change = await this.changes.register({ ...action.change, application: integration.application }, principal, request.requestId, manager);
          for (const report of action.evidence) await this.evidence.attach({ ...report, change: change.id }, principal, request.requestId, manager);
          await this.integrations.link(integration.id, action.links, change.id, manager);
          return { outcome: 'registered', change: change.id, version: change.version, evidence: action.evidence.length };
        }
        case 'evidence': {
          const change = await this.changeOf(integration, action.changeId, action.lookup, manager);
          if (!change) return { outcome: 'ignored', reason: `no change of ${integration.application} is known for ${action.lookup.join(' or ') || 'this event'}` };
          for (const report of action.evidence) await this.evidence.attach({ ...report, change }, principal, request.requestId, manager);
          return { outcome: 'evidence', change, evidence: action.evidence.length };
        }
      }
    });
  }

  /**
   * A deployment report moves a promotion and writes the webhook's receipt in one transaction:
   * both happen or neither. A duplicate delivery racing this one loses on the receipt and rolls
   * back whole.
   */
  private async applyDeployment(
    integration: IntegrationRow,
    deliveryId: string,
    event: string,
    action: Extract<IncomingAction, { kind: 'deployment' }>,
    principal: Principal,
    request: RequestInfo,
  ): Promise<IncomingOutcome> {
    try {
      return await this.dataSource.transaction(async (manager): Promise<IncomingOutcome> => {
        if (await this.integrations.hasReceipt(integration.id, deliveryId, manager)) return { outcome: 'duplicate', delivery: deliveryId };
        const change = await this.changeOf(integration, action.changeId, action.lookup, manager);
        const reported = change
          ? await this.deployments.report(change, action.deployment, principal, request.requestId, manager)
          : { ignored: `no change of ${integration.application} is known for ${action.lookup.join(' or ') || 'this event'}` };
        if (!(await this.integrations.claimReceipt(integration.id, deliveryId, event, 'ignored' in reported ? 'ignore' : 'deployment', manager))) {
          throw new DuplicateDelivery();
        }
        if ('ignored' in reported) return { outcome: 'ignored', reason: reported.ignored };
        return { outcome: 'deployment', change: change!, promotion: reported.promotion, status: action.deployment.status };
      });
    } catch (error) {
      if (error instanceof DuplicateDelivery) return { outcome: 'duplicate', delivery: deliveryId };
      throw error;
    }
  }

  /**
   * Records a refused credential or signature on its own (the request itself is refused),
   * group-committed with concurrent refusals: a misconfigured sender retries in bursts.
   */
  async recordRefusal(action: string, integration: IntegrationRow | null, reason: string, request: RequestInfo): Promise<void> {
    await recordStandaloneAuditEvent(this.dataSource, {
      action,
      actor: { kind: 'SYSTEM', id: integration ? `integration:${integration.name}` : 'anonymous', displayName: null, ip: request.ip, userAgent: request.userAgent },
      requestId: request.requestId,
      subject: { type: 'integration', id: integration?.id ?? 'unknown' },
      application: integration?.application ?? null,
      data: { reason, integration: integration?.name ?? null },
    });
  }

  private async changeOf(integration: IntegrationRow, changeId: string | null, lookup: string[], manager: EntityManager): Promise<string | null> {
    if (changeId) {
      const change = await this.changes.get(changeId);
      if (change.application !== integration.application) {
        throw new IntegrationException(
          IntegrationErrorReason.PAYLOAD_INVALID,
          `Change ${changeId} belongs to ${change.application}; integration ${integration.name} reports on ${integration.application} only.`,
          { change: changeId },
        );
      }
      return change.id;
    }
    return this.integrations.findLinkedChange(integration.id, lookup, manager);
  }
}


/** Another delivery with the same id committed first: this one rolls back whole. */
class DuplicateDelivery extends Error {}
