import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, DomainException, SYSTEM_PRINCIPAL, type Config } from '@gatehouse/shared';
import { loadPolicyDirectory } from '../policy-document/policy-document.loader';
import { formatPolicyProblem } from '../policy-document/policy-document.model';
import { PolicyService } from '../policy-store/policy.service';

/** PolicySyncEntry is what happened to one policy file on start. */
export interface PolicySyncEntry {
  file: string;
  name: string;
  status: 'published' | 'unchanged' | 'activated' | 'refused';
  version?: number;
  /** `file:line:column: reason` per problem, or the server's refusal. */
  problems: string[];
  /** Environments this load activated the version for (first load only). */
  activated: string[];
}

/** PolicySyncReport is the outcome of one load of the policies directory. */
export interface PolicySyncReport {
  dir: string | null;
  entries: PolicySyncEntry[];
}

/**
 * PolicySync is GitOps for policies: on start it loads the policies directory and publishes
 * every new version as SYSTEM. A policy never activated before is activated for the
 * environments of its `appliesTo.environments` that no policy governs yet (as regulated when
 * it declares `appliesTo.regulated`); after that, activation is an explicit
 * `activatePolicyVersion`, so a merge never changes what governs production by itself. An
 * invalid file is logged with file, line and reason, and never stops the API.
 */
@Injectable()
export class PolicySync implements OnApplicationBootstrap {
  private readonly log = new Logger('PolicySync');
  /** The last load, for operators and tests. */
  report: PolicySyncReport = { dir: null, entries: [] };

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly policies: PolicyService,
  ) {}

  /** The directory to load: GATEHOUSE_POLICIES_DIR, else ./policies when it exists (never under NODE_ENV=test). */
  directory(): string | null {
    if (this.config.policiesDir) return resolve(this.config.policiesDir);
    if (this.config.nodeEnv === 'test') return null;
    const fallback = resolve(process.cwd(), 'policies');
    return existsSync(fallback) ? fallback : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.directory();
    if (!dir) return;
    try {
      this.report = await this.sync(dir);
    } catch (error) {
      this.log.error(`could not load policies from ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async sync(dir: string): Promise<PolicySyncReport> {
    if (!existsSync(dir)) {
      this.log.warn(`policies directory ${dir} does not exist; nothing loaded`);
      return { dir, entries: [] };
    }
    const entries: PolicySyncEntry[] = [];
    for (const loaded of loadPolicyDirectory(dir)) {
      if (!loaded.document) {
        const problems = loaded.problems.map(formatPolicyProblem);
        for (const problem of problems) this.log.error(`policy not loaded: ${problem}`);
        entries.push({ file: loaded.file, name: loaded.name, status: 'refused', problems, activated: [] });
        continue;
      }
      entries.push(await this.publish(loaded.file, loaded.document.name, readFileSync(resolve(process.cwd(), loaded.file), 'utf8')));
    }
    const counts = entries.reduce<Record<string, number>>((all, entry) => ({ ...all, [entry.status]: (all[entry.status] ?? 0) + 1 }), {});
    this.log.log(`policies loaded from ${dir}: ${Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(', ') || 'none found'}`);
    return { dir, entries };
  }

  private async publish(file: string, name: string, text: string): Promise<PolicySyncEntry> {
    const actor = SYSTEM_PRINCIPAL.actor;
    try {
      const { policyVersion, created } = await this.policies.publish({ document: text, message: `GitOps: ${file}` }, actor, null, file);
      const entry: PolicySyncEntry = { file, name, status: created ? 'published' : 'unchanged', version: policyVersion.version, problems: [], activated: [] };
      const activated = await this.policies.activateOnFirstLoad(name, policyVersion.version, actor);
      if (activated.length) entry.status = 'activated';
      entry.activated = activated;
      if (entry.status !== 'unchanged') this.log.log(`policy ${name} version ${policyVersion.version} ${entry.status} from ${file}`);
      return entry;
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      const problems = Array.isArray(error.details.problems)
        ? (error.details.problems as { line: number; column: number; message: string }[]).map((p) => `${file}:${p.line}:${p.column}: ${p.message}`)
        : [`${file}: ${error.message}`];
      for (const problem of problems) this.log.error(`policy not loaded: ${problem}`);
      return { file, name, status: 'refused', problems, activated: [] };
    }
  }
}
