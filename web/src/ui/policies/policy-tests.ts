import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EvaluatePolicyQuery } from '../../graphql/policies/policies';
import { serverQuery } from '../../graphql/server-query';

/** PolicyTestOutcome is one case of policies/<name>/tests.yaml decided by a published version on the API. */
export interface PolicyTestOutcome {
  note: string;
  passed: boolean;
  failures: string[];
  requestId?: string;
}

interface TestsFile {
  baseInput?: Record<string, unknown>;
  cases?: { note: string; input?: Record<string, unknown>; expect: { outcome: string; approvals?: { group: string; count: number }[]; matchedRules?: string[] } }[];
}

/** Where the policies as code live: GATEHOUSE_POLICIES_DIR, else ./policies of the working directory. */
export function policiesDir(): string {
  return process.env.GATEHOUSE_POLICIES_DIR ?? join(process.cwd(), 'policies');
}

function deepMerge(base: unknown, override: unknown): unknown {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!plain(base) || !plain(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

const sortedApprovals = (list: { group: string; count: number }[]) =>
  JSON.stringify([...list].map(({ group, count }) => ({ group, count })).sort((a, b) => a.group.localeCompare(b.group)));

/**
 * Runs the policy's test cases (as `gatehouse policy test` reads them: each input deep-merged
 * over baseInput) against one published version through the API's evaluatePolicy, so the
 * results are those of the exact version shown. Null when the policy has no tests file here.
 */
export async function runPolicyTests(name: string, version: number): Promise<PolicyTestOutcome[] | null> {
  let text: string;
  try {
    text = await readFile(join(policiesDir(), name, 'tests.yaml'), 'utf8');
  } catch {
    return null;
  }
  const file = parse(text) as TestsFile;
  const cases = file.cases ?? [];
  return Promise.all(
    cases.map(async (testCase): Promise<PolicyTestOutcome> => {
      const input = deepMerge(file.baseInput ?? {}, testCase.input ?? {});
      const answer = await serverQuery(EvaluatePolicyQuery, { input: { name, version, input } }, `/policies/${name}`);
      if (answer.error) return { note: testCase.note, passed: false, failures: [answer.error.message], requestId: answer.error.requestId };
      const decision = answer.data.evaluatePolicy;
      const failures: string[] = [];
      const expected = testCase.expect;
      if (decision.outcome !== expected.outcome.toUpperCase()) failures.push(`expected outcome ${expected.outcome.toUpperCase()}, got ${decision.outcome}`);
      if (expected.approvals && sortedApprovals(expected.approvals) !== sortedApprovals(decision.approvals)) {
        failures.push(`expected approvals ${sortedApprovals(expected.approvals)}, got ${sortedApprovals(decision.approvals)}`);
      }
      const matched = decision.matchedRules.map((rule) => rule.id);
      if (expected.matchedRules && JSON.stringify([...expected.matchedRules].sort()) !== JSON.stringify([...matched].sort())) {
        failures.push(`expected matched rules [${expected.matchedRules.join(', ')}], got [${matched.join(', ')}]`);
      }
      for (const rule of decision.explanation) if (rule.error) failures.push(`rule ${rule.id}: ${rule.error}`);
      return { note: testCase.note, passed: failures.length === 0, failures };
    }),
  );
}
