import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { recordAuditEvent } from '@gatehouse/audit';
import { ValidationException, pageRequest, toConnection, type Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import { changeNotFound } from '../change/change.service';
import { ChangeRepository } from '../change/change.repository';
import type { AttachEvidenceInput } from './dto/attach-evidence.input';
import { EvidenceKind } from './evidence-kind';
import { evidencePayloadOf } from './evidence.payload';
import { toEvidenceModel, type CheckEvidence, type Evidence, type EvidenceConnection } from './evidence.model';
import { EvidenceRepository } from './evidence.repository';

/** What an attachment added, for listeners acting inside its transaction. */
export type EvidenceAttachedListener = (
  manager: EntityManager,
  attached: { changeId: string; evidenceId: string; kind: EvidenceKind },
  principal: Principal,
  requestId: string | null,
) => Promise<void>;

/** EvidenceService attaches evidence to changes (insert-only) and reads the current and past reports. */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly evidence: EvidenceRepository,
    private readonly changes: ChangeRepository,
  ) {}

  /** Attaches evidence; pass `manager` to run inside the caller's transaction. */
  async attach(input: AttachEvidenceInput, principal: Principal, requestId: string | null, manager?: EntityManager): Promise<Evidence> {
    const { payload, problems } = evidencePayloadOf(input);
    if (payload === null) throw new ValidationException(problems);
    const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => (manager ? work(manager) : this.changes.transaction(work));
    return inTransaction(async (manager) => {
      const change = await this.changes.findById(input.change, manager);
      if (!change) throw changeNotFound(input.change);
      const row = await this.evidence.insert(
        {
          changeId: change.id,
          kind: input.kind,
          checkName: input.kind === EvidenceKind.CHECK ? (payload as CheckEvidence).name : null,
          payload,
          source: input.source ?? null,
          url: input.url ?? null,
          attachedBy: principal.userId,
        },
        manager,
      );
      await recordAuditEvent(manager, {
        action: 'evidence.attached',
        actor: principal.actor,
        requestId,
        subject: { type: 'change', id: change.id },
        application: change.application,
        data: { evidenceId: row.id, version: change.version, kind: input.kind, payload, source: row.source, url: row.url },
      });
      for (const listener of this.attachedListeners) await listener(manager, { changeId: change.id, evidenceId: row.id, kind: input.kind }, principal, requestId);
      return toEvidenceModel(row);
    });
  }

  /**
   * Registers work to do inside the transaction of every attachment (promotions pending for the
   * change are re-decided on the new evidence). A listener that throws rolls the attachment back.
   */
  onAttached(listener: EvidenceAttachedListener): void {
    this.attachedListeners.push(listener);
  }

  private readonly attachedListeners: EvidenceAttachedListener[] = [];

  /** The newest evidence of each kind (and of each check name) of a change. */
  async current(changeId: string): Promise<Evidence[]> {
    return (await this.evidence.current(changeId)).map(toEvidenceModel);
  }

  /**
   * The current evidence of a change, batched per request: a list of 100 changes asking for
   * their evidence costs one query, not 100. The loader lives as long as the request object.
   */
  currentBatched(request: object, changeId: string): Promise<Evidence[]> {
    let loader = this.loaders.get(request);
    if (!loader) {
      loader = new DataLoader<string, Evidence[]>(async (ids) => {
        const rows = await this.evidence.currentOfMany(ids);
        const byChange = new Map<string, Evidence[]>(ids.map((id) => [id, []]));
        for (const row of rows) byChange.get(row.change_id)?.push(toEvidenceModel(row));
        return ids.map((id) => byChange.get(id) ?? []);
      });
      this.loaders.set(request, loader);
    }
    return loader.load(changeId);
  }

  private readonly loaders = new WeakMap<object, DataLoader<string, Evidence[]>>();

  /** Every piece of evidence of a change, superseded ones included, newest first. */
  async history(changeId: string, first: number | null | undefined, after: string | null | undefined): Promise<EvidenceConnection> {
    const request = pageRequest(first, after);
    if (request.after !== undefined && !/^\d{1,18}$/.test(request.after)) {
      throw new ValidationException([{ path: 'after', message: 'is not a cursor returned by this list' }]);
    }
    const { rows, totalCount } = await this.evidence.page(changeId, request);
    return toConnection(rows, request, totalCount, (row) => row.seq, toEvidenceModel);
  }
}
