import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { findPolicyFiles, formatPolicyProblem, loadPolicyFile } from '@gatehouse/policy';
import { formatClientError, policyGraphql, PolicyClientError, type PolicyServer } from './policy-client';
import type { PolicyCommandOutput } from './policy.actions';

/** Where remote commands write: results to `out`, failures to `err`. */
export interface RemoteCommandOutput extends PolicyCommandOutput {
  err(text: string): void;
}

export const remoteProcessOutput: RemoteCommandOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

const PUBLISH = `mutation Publish($input: PublishPolicyVersionInput!) {
  publishPolicyVersion(input: $input) { created policyVersion { name version hash activeEnvironments } } }`;

const DIFF = `query Diff($name: String!, $from: Int!, $to: Int!) {
  diffPolicyVersions(name: $name, from: $from, to: $to) {
    name from to fromHash toHash settingsChanged reordered
    added { id effect reason } removed { id effect reason } changed { id fields before { when effect reason approvals { count groups } } after { when effect reason approvals { count groups } } }
  } }`;

const SIMULATE = `query Simulate($input: SimulatePolicyInput!) {
  simulatePolicy(input: $input) {
    policy candidateVersion candidateHash environment since until total changed unchanged failedClosed
    transitions { label fromOutcome toOutcome fromQuorum toQuorum count }
    groups { application environment total changed transitions { label count } }
    samples { id application environment decidedAt label matchedRules }
  } }`;

interface PublishResult {
  publishPolicyVersion: { created: boolean; policyVersion: { name: string; version: number; hash: string; activeEnvironments: string[] } };
}

interface RuleView {
  id: string;
  effect: string;
  reason: string;
}

interface DiffResult {
  diffPolicyVersions: {
    name: string;
    from: number;
    to: number;
    fromHash: string;
    toHash: string;
    settingsChanged: string[];
    reordered: boolean;
    added: RuleView[];
    removed: RuleView[];
    changed: { id: string; fields: string[]; before: Record<string, unknown>; after: Record<string, unknown> }[];
  };
}

interface SimulateResult {
  simulatePolicy: {
    policy: string;
    candidateVersion: number;
    candidateHash: string;
    environment: string | null;
    total: number;
    changed: number;
    unchanged: number;
    failedClosed: number;
    transitions: { label: string; count: number }[];
    groups: { application: string; environment: string; total: number; changed: number; transitions: { label: string; count: number }[] }[];
    samples: { id: string; application: string; environment: string; decidedAt: string; label: string }[];
  };
}

/** Runs a remote call; a server refusal is printed as `CODE: message` and gives exit code 1. */
async function guarded(output: RemoteCommandOutput, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PolicyClientError)) throw error;
    output.err(formatClientError(error));
    return 1;
  }
}

/**
 * `gatehouse policy push [dir]`: checks each policy.yaml locally, then publishes it. The server
 * answers "published" for a new version and "unchanged" for content it already has; a problem
 * with one file is reported and the others are still pushed. Exit 1 when any file failed.
 */
export async function policyPushAction(dir: string, server: PolicyServer, options: { json?: boolean; message?: string }, output: RemoteCommandOutput = remoteProcessOutput): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    output.err(`${dir} is not a directory\n`);
    return 1;
  }
  const files = findPolicyFiles(dir);
  if (files.length === 0) {
    output.err(`no policies found under ${dir} (expected <name>/policy.yaml)\n`);
    return 1;
  }
  const results: Record<string, unknown>[] = [];
  let failed = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const loaded = loadPolicyFile(file, shown);
    if (!loaded.document) {
      failed += 1;
      for (const problem of loaded.problems) output.err(`${formatPolicyProblem(problem)}\n`);
      results.push({ file: shown, status: 'invalid', problems: loaded.problems.map(formatPolicyProblem) });
      continue;
    }
    const code = await guarded(output, async () => {
      const { publishPolicyVersion: published } = await policyGraphql<PublishResult>(server, PUBLISH, {
        input: { document: readFileSync(file, 'utf8'), message: options.message ?? `gatehouse policy push ${shown}` },
      });
      const { name, version, hash, activeEnvironments } = published.policyVersion;
      const status = published.created ? 'published' : 'unchanged';
      results.push({ file: shown, status, name, version, hash, activeEnvironments });
      if (!options.json) output.out(`${name} v${version}: ${status} (${hash.slice(0, 12)})${activeEnvironments.length ? `, active in ${activeEnvironments.join(', ')}` : ''}\n`);
      return 0;
    });
    if (code !== 0) {
      failed += 1;
      results.push({ file: shown, status: 'refused' });
      output.err(`  in ${shown}\n`);
    }
  }
  if (options.json) output.out(`${JSON.stringify(results, null, 2)}\n`);
  return failed ? 1 : 0;
}

/** `gatehouse policy diff <name> <from> <to>`: rules added, removed and changed (with the fields). */
export async function policyDiffAction(name: string, from: number, to: number, server: PolicyServer, options: { json?: boolean }, output: RemoteCommandOutput = remoteProcessOutput): Promise<number> {
  return guarded(output, async () => {
    const { diffPolicyVersions: diff } = await policyGraphql<DiffResult>(server, DIFF, { name, from, to });
    if (options.json) {
      output.out(`${JSON.stringify(diff, null, 2)}\n`);
      return 0;
    }
    const lines = [`${diff.name} v${diff.from} (${diff.fromHash.slice(0, 12)}) → v${diff.to} (${diff.toHash.slice(0, 12)})`];
    for (const rule of diff.added) lines.push(`  + ${rule.id} (${rule.effect}): ${rule.reason}`);
    for (const rule of diff.removed) lines.push(`  - ${rule.id} (${rule.effect}): ${rule.reason}`);
    for (const rule of diff.changed) {
      lines.push(`  ~ ${rule.id}: ${rule.fields.join(', ')}`);
      for (const field of rule.fields) lines.push(`      ${field}: ${JSON.stringify(rule.before[field] ?? null)} → ${JSON.stringify(rule.after[field] ?? null)}`);
    }
    if (diff.settingsChanged.length) lines.push(`  settings changed: ${diff.settingsChanged.join(', ')}`);
    if (diff.reordered) lines.push('  rules reordered');
    if (lines.length === 1) lines.push('  no changes');
    output.out(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** Options of `gatehouse policy simulate`. */
export interface SimulateOptions {
  candidate: string;
  environment?: string;
  since?: string;
  until?: string;
  json?: boolean;
}

/** `gatehouse policy simulate <name> --candidate <file|version>`: what the candidate would have changed. */
export async function policySimulateAction(name: string, options: SimulateOptions, server: PolicyServer, output: RemoteCommandOutput = remoteProcessOutput): Promise<number> {
  let candidate: { version?: number; document?: string };
  if (/^\d+$/.test(options.candidate)) candidate = { version: Number(options.candidate) };
  else if (existsSync(options.candidate) && statSync(options.candidate).isFile()) candidate = { document: readFileSync(options.candidate, 'utf8') };
  else {
    output.err(`--candidate must be a version number or a policy.yaml file; ${options.candidate} is neither\n`);
    return 1;
  }
  return guarded(output, async () => {
    const { simulatePolicy: result } = await policyGraphql<SimulateResult>(server, SIMULATE, {
      input: { name, candidate, environment: options.environment, since: options.since, until: options.until },
    });
    if (options.json) {
      output.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `${result.policy}: candidate v${result.candidateVersion} (${result.candidateHash.slice(0, 12)}) replayed over ${result.total} past decision${result.total === 1 ? '' : 's'}${result.environment ? ` in ${result.environment}` : ''}`,
      `  ${result.changed} would change, ${result.unchanged} unchanged${result.failedClosed ? `, ${result.failedClosed} failed closed` : ''}`,
    ];
    for (const transition of result.transitions) lines.push(`  ${transition.label.padEnd(36)} ${transition.count}`);
    const changedGroups = result.groups.filter((group) => group.changed > 0);
    if (changedGroups.length) lines.push('', 'by application and environment:');
    for (const group of changedGroups) {
      lines.push(`  ${group.application}/${group.environment}: ${group.changed} of ${group.total} (${group.transitions.map((t) => `${t.label} ×${t.count}`).join(', ')})`);
    }
    output.out(`${lines.join('\n')}\n`);
    return 0;
  });
}
