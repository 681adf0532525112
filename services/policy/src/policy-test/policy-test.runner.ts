import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compilePolicy } from '../decision/compiled-policy';
import type { ApprovalRequirement, Decision } from '../decision/decision.model';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { checkPolicyInput } from '../policy-document/policy-document.checker';
import { loadPolicyDirectory, loadTestsFile, type YamlSource } from '../policy-document/policy-document.loader';
import type { Effect, PolicyProblem } from '../policy-document/policy-document.model';

/** PolicyTestCase is one case of a tests.yaml. */
interface PolicyTestCase {
  note: string;
  input: Record<string, unknown>;
  expect: { outcome: Effect; approvals?: ApprovalRequirement[]; matchedRules?: string[] };
}

/** PolicyTestCaseResult is the verdict on one case, named by its note. */
export interface PolicyTestCaseResult {
  note: string;
  line: number;
  passed: boolean;
  failures: string[];
  decision?: Decision;
}

/** PolicyTestResult covers one policy folder: problems that stop it, and each case. */
export interface PolicyTestResult {
  name: string;
  file: string;
  problems: PolicyProblem[];
  cases: PolicyTestCaseResult[];
  passed: boolean;
}

/** PolicyTestReport is the result of a whole run; `ok` is what CI checks. */
export interface PolicyTestReport {
  policies: PolicyTestResult[];
  passedCases: number;
  failedCases: number;
  ok: boolean;
}

/**
 * Runs every policies/<name>/tests.yaml under `dir` (or the one policy `dir` is). A policy
 * that does not load, has no tests file or has no cases fails the run, like OPA's
 * --fail-on-empty; so does a directory without any policy.
 */
export function runPolicyTests(dir: string): PolicyTestReport {
  const policies = loadPolicyDirectory(dir).map((loaded): PolicyTestResult => {
    const result: PolicyTestResult = { name: loaded.name, file: loaded.file, problems: [...loaded.problems], cases: [], passed: false };
    const testsFile = join(loaded.dir, 'tests.yaml');
    const testsDisplay = join(loaded.file, '..', 'tests.yaml');
    if (!existsSync(testsFile)) {
      result.problems.push({ file: testsDisplay, line: 1, column: 1, reason: `policy "${loaded.name}" has no tests: add ${testsDisplay}` });
      return result;
    }
    const tests = loadTestsFile(testsFile, testsDisplay);
    result.problems.push(...tests.problems);
    if (!loaded.document || !tests.source || result.problems.length) return result;
    const { cases, baseInput } = tests.source.value as { cases: PolicyTestCase[]; baseInput?: Record<string, unknown> };
    if (cases.length === 0) {
      result.problems.push(tests.source.locate({ path: ['cases'], reason: `policy "${loaded.name}" has no test cases` }));
      return result;
    }
    const policy = compilePolicy(loaded.document);
    result.cases = cases.map((testCase, index) => runCase(policy, testCase, index, baseInput ?? {}, tests.source as YamlSource));
    result.passed = result.cases.every((testCase) => testCase.passed);
    return result;
  });
  const passedCases = policies.reduce((sum, policy) => sum + policy.cases.filter((testCase) => testCase.passed).length, 0);
  const failedCases = policies.reduce((sum, policy) => sum + policy.cases.filter((testCase) => !testCase.passed).length, 0);
  return { policies, passedCases, failedCases, ok: policies.length > 0 && policies.every((policy) => policy.passed) };
}

function runCase(
  policy: ReturnType<typeof compilePolicy>,
  testCase: PolicyTestCase,
  index: number,
  baseInput: Record<string, unknown>,
  source: YamlSource,
): PolicyTestCaseResult {
  const line = source.locate({ path: ['cases', index], reason: '' }).line;
  const input = deepMerge(baseInput, testCase.input);
  const inputIssues = checkPolicyInput(input);
  if (inputIssues.length) {
    return { note: testCase.note, line, passed: false, failures: inputIssues.map((issue) => `input is not a valid input document: ${issue.reason}`) };
  }
  const decision = evaluatePolicy(policy, input, { trace: true });
  const failures: string[] = [];
  const { outcome, approvals, matchedRules } = testCase.expect;
  if (decision.outcome !== outcome) failures.push(`expected outcome ${outcome}, got ${decision.outcome}`);
  if (approvals !== undefined) {
    const byGroup = (list: ApprovalRequirement[]) => [...list].map(({ group, count }) => ({ group, count })).sort((a, b) => a.group.localeCompare(b.group));
    if (!isDeepStrictEqual(byGroup(approvals), byGroup(decision.approvals))) {
      failures.push(`expected approvals ${formatApprovals(approvals)}, got ${formatApprovals(decision.approvals)}`);
    }
  }
  if (matchedRules !== undefined) {
    const actual = decision.matchedRules.map((rule) => rule.id);
    if (!isDeepStrictEqual([...matchedRules].sort(), [...actual].sort())) {
      failures.push(`expected matched rules [${matchedRules.join(', ')}], got [${actual.join(', ')}]`);
    }
  }
  for (const error of decision.errors) failures.push(`rule ${error.ruleId}: ${error.message}`);
  if (failures.length) {
    for (const rule of decision.explanation) failures.push(`  ${rule.id} ${rule.matched ? 'matched' : 'did not match'}: ${rule.facts.join('; ') || '-'}`);
  }
  return { note: testCase.note, line, passed: failures.length === 0, failures, decision };
}

function formatApprovals(list: readonly ApprovalRequirement[]): string {
  return list.length ? list.map(({ group, count }) => `${count} × ${group}`).join(', ') : 'none';
}

/** Merges `override` into `base`: objects merge key by key, anything else replaces. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
