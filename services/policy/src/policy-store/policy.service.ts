import { Injectable } from '@nestjs/common';
import { recordAuditEvent, recordAuditEvents, type AuditEventInput } from '@gatehouse/audit';
import { ValidationException, pageRequest, toConnection, type Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import { compilePolicy, type CompiledPolicy } from '../decision/compiled-policy';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { inputHash } from '../decision-input/decision-input.store';
import { policyContentHash } from '../policy-document/policy-content.hash';
import { diffPolicyDocuments } from '../policy-diff/policy-diff';
import { toPolicyDiffModel, type PolicyDiff } from '../policy-diff/policy-diff.model';
import type { ActivatePolicyVersionInput, EvaluatePolicyInput, PublishPolicyVersionInput } from './dto/policy.inputs';
import { PolicyStoreErrorReason, PolicyStoreException, policyNotFound, versionNotFound } from './policy.exception';
import {
  toActivationModel,
  toEvaluationModel,
  toPolicyVersionModel,
  type Policy,
  type PolicyConnection,
  type PolicyEvaluation,
  type PolicyVersion,
  type PolicyVersionRow,
  type PublishedPolicyVersion,
} from './policy.model';
import { PolicyRepository, type ActiveVersionRef, type PolicyRow } from './policy.repository';
import { assertPolicyInput, parsePolicySource } from './policy-source';

/** What an activation changed, for listeners that act inside its transaction. */
export interface PolicyActivation {
  policy: string;
  version: number;
  environments: string[];
}

export type ActivationListener = (manager: EntityManager, activation: PolicyActivation, actor: Actor, requestId: string | null) => Promise<void>;

type Actor = Principal['actor'];

/** How many compiled versions stay in memory (a version never changes, so entries never go stale). */
const COMPILED_CACHE_SIZE = 64;

/** PolicyService publishes immutable policy versions, activates them for environments and evaluates them. */
@Injectable()
export class PolicyService {
  private readonly compiled = new Map<string, CompiledPolicy>();

  constructor(private readonly policies: PolicyRepository) {}

  async list(first: number | undefined, after: string | undefined): Promise<PolicyConnection> {
    const request = pageRequest(first, after);
    const { rows, totalCount } = await this.policies.page(request);
    const page = rows.slice(0, request.first);
    const latest = new Map((await this.policies.latestVersions(page.map((row) => row.name))).map((row) => [row.name, row]));
    const activations = await this.policies.currentActivations();
    return toConnection(rows, request, totalCount, (row) => row.name, (row) => this.toPolicy(row, latest.get(row.name)!, activations.filter((a) => a.policy_name === row.name)));
  }

  async get(name: string): Promise<Policy> {
    const row = await this.policies.findPolicy(name);
    if (!row || row.versions.length === 0) throw policyNotFound(name);
    const latest = await this.policies.findVersion(name, row.versions[0]!);
    return this.toPolicy(row, latest!, await this.policies.currentActivations({ policy: name }));
  }

  async getVersion(name: string, version: number): Promise<PolicyVersion> {
    return this.toVersionModel(await this.findVersionRow(name, version));
  }

  async diff(name: string, from: number, to: number): Promise<PolicyDiff> {
    const [before, after] = await Promise.all([this.findVersionRow(name, from), this.findVersionRow(name, to)]);
    return toPolicyDiffModel(name, { version: from, hash: before.content_hash }, { version: to, hash: after.content_hash }, diffPolicyDocuments(before.document, after.document));
  }

  /**
   * Publishes a policy document as its `name` and `version`. The same content again is a no-op
   * that returns the existing version; other content under a published version is a CONFLICT.
   */
  async publish(input: PublishPolicyVersionInput, actor: Actor, requestId: string | null, sourceName = 'input.document'): Promise<PublishedPolicyVersion> {
    const document = parsePolicySource(input.document, sourceName);
    const hash = policyContentHash(document);
    const { row, created } = await this.policies.transaction(async (manager) => {
      const latest = await this.policies.lockPolicy(document.name, manager);
      const existing = await this.policies.findVersion(document.name, document.version, manager);
      if (existing) {
        if (existing.content_hash === hash) return { row: existing, created: false };
        throw new PolicyStoreException(
          PolicyStoreErrorReason.VERSION_CONFLICT,
          `Policy "${document.name}" version ${document.version} is already published with other content (hash ${existing.content_hash.slice(0, 12)}…); versions are immutable: bump the version to ${(latest ?? document.version) + 1}.`,
          { policy: document.name, version: document.version, publishedHash: existing.content_hash, hash },
        );
      }
      if (latest !== null && document.version < latest) {
        throw new PolicyStoreException(
          PolicyStoreErrorReason.VERSION_OUT_OF_ORDER,
          `Policy "${document.name}" is already at version ${latest}; publish this change as version ${latest + 1}.`,
          { policy: document.name, version: document.version, latestVersion: latest },
        );
      }
      const inserted = await this.policies.insertVersion({ name: document.name, version: document.version, document, source: input.document, hash, author: actor, message: input.message ?? '' }, manager);
      await recordAuditEvent(manager, {
        action: 'policy.version.published',
        actor,
        requestId,
        subject: { type: 'policy_version', id: inserted.id },
        data: { policy: document.name, version: document.version, hash, message: input.message ?? '', rules: document.rules.map((rule) => rule.id) },
      });
      return { row: inserted, created: true };
    });
    return { policyVersion: await this.toVersionModel(row), created };
  }

  /**
   * Makes one version govern the given environments (of every application), replacing what
   * governed them. Each environment that changes gets its own `policy.version.activated` event;
   * one already governed by this version is left as it is.
   */
  async activate(input: ActivatePolicyVersionInput, actor: Actor, requestId: string | null): Promise<PolicyVersion> {
    const seen = new Set<string>();
    const duplicates = input.environments.flatMap((environment, index) => {
      if (!seen.has(environment.name)) return seen.add(environment.name) && [];
      return [{ path: `input.environments[${index}].name`, message: `repeats "${environment.name}"` }];
    });
    if (duplicates.length) throw new ValidationException(duplicates);

    const row = await this.policies.transaction(async (manager) => {
      const version = await this.policies.findVersion(input.name, input.version, manager);
      if (!version) throw versionNotFound(input.name, input.version);
      const scope = version.document.appliesTo;
      const outOfScope = input.environments.flatMap((environment, index) =>
        scope.environments.includes(environment.name) ? [] : [{ path: `input.environments[${index}].name`, message: `"${environment.name}" is not among the environments policy "${input.name}" applies to (${scope.environments.join(', ')})` }],
      );
      if (outOfScope.length) {
        throw new PolicyStoreException(PolicyStoreErrorReason.ENVIRONMENT_OUT_OF_SCOPE, `Policy "${input.name}" version ${input.version} does not apply to ${outOfScope.length === 1 ? 'this environment' : 'these environments'}: ${outOfScope.map((f) => f.message).join('; ')}.`, { fields: outOfScope });
      }
      const fitsRegulated = scope.regulated === true && version.document.default !== 'allow';
      const regulated = input.environments.flatMap((environment, index) =>
        environment.regulated && !fitsRegulated ? [{ path: `input.environments[${index}].regulated`, message: `"${environment.name}" is regulated; policy "${input.name}" does not declare appliesTo.regulated` }] : [],
      );
      if (regulated.length) {
        throw new PolicyStoreException(
          PolicyStoreErrorReason.REGULATED_ENVIRONMENT,
          `A regulated environment may only be governed by a policy with appliesTo.regulated: true (which never defaults to allow); policy "${input.name}" version ${input.version} is not one.`,
          { fields: regulated },
        );
      }
      const names = input.environments.map((environment) => environment.name);
      await this.policies.lockEnvironments(names, manager);
      const current = new Map((await this.policies.currentActivations({ environments: names }, manager)).map((a) => [a.environment, a]));
      const events: AuditEventInput[] = [];
      for (const environment of input.environments) {
        const before = current.get(environment.name);
        if (before && before.policy_name === input.name && before.version === input.version && before.regulated === environment.regulated) continue;
        await this.policies.insertActivation({ environment: environment.name, policy_name: input.name, version: input.version, regulated: environment.regulated, activated_by: actor }, manager);
        events.push({
          action: 'policy.version.activated',
          actor,
          requestId,
          subject: { type: 'policy_version', id: version.id },
          environment: environment.name,
          data: {
            policy: input.name,
            version: input.version,
            hash: version.content_hash,
            environment: environment.name,
            regulated: environment.regulated,
            previous: before ? { policy: before.policy_name, version: before.version } : null,
          },
        });
      }
      await recordAuditEvents(manager, events);
      const activated = events.map((event) => event.environment!);
      if (activated.length > 0) {
        for (const listener of this.activationListeners) await listener(manager, { policy: input.name, version: input.version, environments: activated }, actor, requestId);
      }
      return version;
    });
    return this.toVersionModel(row);
  }

  /**
   * Registers work to do inside the transaction of every activation that changes what governs
   * some environments (the pipelines service re-decides pending promotions there). A listener
   * that throws rolls the activation back.
   */
  onActivation(listener: ActivationListener): void {
    this.activationListeners.push(listener);
  }

  private readonly activationListeners: ActivationListener[] = [];

  /**
   * GitOps bootstrap: when no version of this policy was ever activated, activates this one for
   * the environments of its `appliesTo` that nothing governs yet (as regulated when the policy
   * is). Returns the environments it activated; later versions are activated explicitly.
   */
  async activateOnFirstLoad(name: string, version: number, actor: Actor): Promise<string[]> {
    if (await this.policies.everActivated(name)) return [];
    const row = await this.findVersionRow(name, version);
    const governed = new Set((await this.policies.currentActivations({ environments: row.document.appliesTo.environments })).map((a) => a.environment));
    const free = row.document.appliesTo.environments.filter((environment) => !governed.has(environment));
    if (free.length === 0) return [];
    const regulated = row.document.appliesTo.regulated === true;
    await this.activate({ name, version, environments: free.map((environment) => ({ name: environment, regulated })) }, actor, null);
    return free;
  }

  /**
   * The policy version governing an environment now, compiled, for deciding a promotion; null
   * when nothing governs it. Fails closed for a regulated target governed by a policy that may
   * not govern regulated environments (an activation declared the environment unregulated).
   * Pass the caller's transaction to see an activation it made itself.
   */
  async activeFor(environment: string, targetRegulated: boolean, manager?: EntityManager): Promise<CompiledPolicy | null> {
    return this.compiledActive(environment, targetRegulated, await this.policies.activeVersionOf(environment, manager), manager);
  }

  /**
   * activeFor() for a caller that read the governing version itself (activeVersionJsonOf, in
   * the statement that read the rest of what it decides on, in its transaction): the same
   * checks, the compiled policy from the per-version cache.
   */
  async compiledActive(environment: string, targetRegulated: boolean, active: ActiveVersionRef | null, manager?: EntityManager): Promise<CompiledPolicy | null> {
    if (!active) return null;
    // The document is read (and compiled) once per version and process; after that one small read decides.
    const policy =
      this.compiled.get(`${active.name}@${active.version}#${active.content_hash}`) ??
      this.compile((await this.policies.findVersion(active.name, active.version, manager)) ?? (await this.findVersionRow(active.name, active.version)));
    if (targetRegulated && (policy.document.appliesTo.regulated !== true || policy.document.default === 'allow')) {
      throw new PolicyStoreException(
        PolicyStoreErrorReason.REGULATED_ENVIRONMENT,
        `Environment "${environment}" is regulated but is governed by policy "${policy.name}" version ${policy.version}, which does not declare appliesTo.regulated; activate a regulated policy for it.`,
        { environment, policy: policy.name, version: policy.version },
      );
    }
    return policy;
  }

  /** Decides on one input document with one version, with an explanation of every rule; stores nothing. */
  async evaluate(input: EvaluatePolicyInput): Promise<PolicyEvaluation> {
    assertPolicyInput(input.input);
    const row = input.version === undefined || input.version === null ? await this.latestVersionRow(input.name) : await this.findVersionRow(input.name, input.version);
    const decision = evaluatePolicy(this.compile(row), input.input, { trace: true });
    return toEvaluationModel(decision, inputHash(input.input));
  }

  /** The compiled form of a stored version (compiled once per process). */
  compile(row: Pick<PolicyVersionRow, 'name' | 'version' | 'content_hash' | 'document'>): CompiledPolicy {
    const key = `${row.name}@${row.version}#${row.content_hash}`;
    let policy = this.compiled.get(key);
    if (!policy) {
      policy = compilePolicy(row.document);
      if (this.compiled.size >= COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, policy);
    }
    return policy;
  }

  async findVersionRow(name: string, version: number): Promise<PolicyVersionRow> {
    const row = await this.policies.findVersion(name, version);
    if (row) return row;
    if (!(await this.policies.findPolicy(name))) throw policyNotFound(name);
    throw versionNotFound(name, version);
  }

  private async latestVersionRow(name: string): Promise<PolicyVersionRow> {
    const [row] = await this.policies.latestVersions([name]);
    if (!row) throw policyNotFound(name);
    return row;
  }

  private async toVersionModel(row: PolicyVersionRow): Promise<PolicyVersion> {
    const activations = await this.policies.currentActivations({ policy: row.name });
    return toPolicyVersionModel(row, activations.filter((a) => a.version === row.version).map((a) => a.environment));
  }

  private toPolicy(row: PolicyRow, latest: PolicyVersionRow, activations: Awaited<ReturnType<PolicyRepository['currentActivations']>>): Policy {
    return {
      name: row.name,
      createdAt: row.created_at,
      versions: row.versions,
      latestVersion: toPolicyVersionModel(latest, activations.filter((a) => a.version === latest.version).map((a) => a.environment)),
      activations: activations.map(toActivationModel),
    };
  }
}
