import { Injectable } from '@nestjs/common';
import { recordAuditEvent } from '@gatehouse/audit';
import { ValidationException, pageRequest, toConnection, type Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { toEvidenceModel, type EvidenceRow } from '../evidence/evidence.model';
import { changeContentDifferences, changeContentHash, changeContentOf } from './change.content';
import { ChangeErrorReason, ChangeException } from './change.exception';
import { toChangeModel, type Change, type ChangeConnection, type ChangeContent, type Commit } from './change.model';
import { toPolicyInput, type ChangePolicyInput } from './change.policy-input';
import { ChangeRepository, type ChangeRow } from './change.repository';
import type { ChangeFilter } from './dto/change-filter.input';
import type { RegisterChangeInput } from './dto/register-change.input';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ChangeService registers changes (idempotently per application and version) and reads them. */
@Injectable()
export class ChangeService {
  constructor(
    private readonly changes: ChangeRepository,
    private readonly evidence: EvidenceRepository,
  ) {}

  /**
   * Registers a change. The same content again returns the existing change (no new row, no
   * audit event); the same version with other content is a CONFLICT naming the fields that differ.
   * Pass `manager` to run inside the caller's transaction (a webhook that registers and attaches as one).
   */
  async register(input: RegisterChangeInput, principal: Principal, requestId: string | null, manager?: EntityManager): Promise<Change> {
    const content = changeContentOf(input);
    const contentHash = changeContentHash(content);
    const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => (manager ? work(manager) : this.changes.transaction(work));
    return inTransaction(async (manager) => {
      const application = await this.changes.findApplicationForShare(input.application, manager);
      if (!application) {
        throw new ChangeException(ChangeErrorReason.APPLICATION_NOT_FOUND, `No application named "${input.application}".`, {
          application: input.application,
        });
      }
      if (application.archivedAt) {
        throw new ChangeException(
          ChangeErrorReason.APPLICATION_ARCHIVED,
          `Application "${application.name}" was archived at ${application.archivedAt.toISOString()} and accepts no new changes.`,
          { application: application.name },
        );
      }
      const id = await this.changes.insert(application.id, input.version, contentHash, content, principal.userId, manager);
      if (id === null) return this.existing(application.id, input.version, content, contentHash, manager);

      const change = await this.load(id, manager);
      await recordAuditEvent(manager, {
        action: 'change.registered',
        actor: principal.actor,
        requestId,
        subject: { type: 'change', id },
        application: application.name,
        data: {
          version: change.version,
          sha: change.sha,
          artifactDigest: change.artifactDigest,
          contentHash,
          title: change.title,
          ticket: change.ticket,
          commits: change.commits.length,
          authors: [...new Set(change.commits.map((c) => c.author))],
          linesAdded: change.linesAdded,
          linesRemoved: change.linesRemoved,
          changedPaths: change.changedPaths.length,
        },
      });
      return change;
    });
  }

  async get(id: string): Promise<Change> {
    if (!UUID.test(id)) throw changeNotFound(id);
    const row = await this.changes.findById(id);
    if (!row) throw changeNotFound(id);
    return this.toModels([row]).then(([change]) => change!);
  }

  async list(filter: ChangeFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ChangeConnection> {
    const request = pageRequest(first, after);
    if (request.after !== undefined && !/^\d{1,18}$/.test(request.after)) {
      throw new ValidationException([{ path: 'after', message: 'is not a cursor returned by this list' }]);
    }
    let applicationId: string | null = null;
    if (filter?.application) {
      applicationId = await this.changes.findApplicationId(filter.application);
      if (!applicationId) {
        throw new ChangeException(ChangeErrorReason.APPLICATION_NOT_FOUND, `No application named "${filter.application}".`, {
          application: filter.application,
        });
      }
    }
    const { rows, totalCount } = await this.changes.page(applicationId, request);
    const models = await this.toModels(rows.slice(0, request.first));
    const byId = new Map(models.map((m) => [m.id, m]));
    return toConnection(rows, request, totalCount, (row) => row.seq, (row) => byId.get(row.id)!);
  }

  /**
   * The `change.*` and `evidence.*` parts of the policy input document for this change, from
   * its current evidence; pass the promotion's transaction to read inside it.
   */
  async policyInputOf(changeId: string, options: { emergency?: boolean; manager?: EntityManager } = {}): Promise<ChangePolicyInput> {
    if (!UUID.test(changeId)) throw changeNotFound(changeId);
    const row = await this.changes.findById(changeId, options.manager);
    if (!row) throw changeNotFound(changeId);
    const [change] = await this.toModels([row], options.manager);
    const current = await this.evidence.current(changeId, options.manager);
    return toPolicyInput(change!, current.map(toEvidenceModel), { emergency: options.emergency });
  }

  /** policyInputOf() on rows the caller read (commitsJsonOf, currentEvidenceJsonOf) with the rest of what it decides on. */
  policyInputFromRows(row: ChangeRow, commits: Commit[], currentEvidence: EvidenceRow[], options: { emergency?: boolean } = {}): ChangePolicyInput {
    return toPolicyInput(toChangeModel(row, commits), currentEvidence.map(toEvidenceModel), { emergency: options.emergency });
  }

  private async existing(applicationId: string, version: string, offered: ChangeContent, offeredHash: string, manager: EntityManager): Promise<Change> {
    const row = await this.changes.findByVersion(applicationId, version, manager);
    if (!row) throw new Error(`change ${version} vanished after a conflicting insert`);
    const [stored] = await this.toModels([row], manager);
    if (row.content_hash === offeredHash) return stored!;
    const differs = changeContentDifferences(storedContent(stored!), offered);
    throw new ChangeException(
      ChangeErrorReason.VERSION_CONFLICT,
      `Version "${version}" of "${stored!.application}" is already registered with other content (differs in ${differs.join(', ')}); ` +
        'a version is immutable: register a new version.',
      { application: stored!.application, version, change: stored!.id, differs },
    );
  }

  private async load(id: string, manager: EntityManager): Promise<Change> {
    const row = await this.changes.findById(id, manager);
    const [change] = await this.toModels([row!], manager);
    return change!;
  }

  private async toModels(rows: ChangeRow[], manager?: EntityManager): Promise<Change[]> {
    const commits = await this.changes.commitsOf(
      rows.map((r) => r.id),
      manager,
    );
    return rows.map((row) => toChangeModel(row, commits.get(row.id) ?? []));
  }
}

function storedContent(change: Change): ChangeContent {
  const { commits, artifactDigest, title, ticket, labels, changedPaths, linesAdded, linesRemoved } = change;
  return { commits, artifactDigest, title, ticket, labels, changedPaths, linesAdded, linesRemoved };
}

export function changeNotFound(id: string): ChangeException {
  return new ChangeException(ChangeErrorReason.CHANGE_NOT_FOUND, `No change with id "${id}".`, { change: id });
}
