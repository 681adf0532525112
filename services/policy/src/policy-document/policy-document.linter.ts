import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadPolicyDirectory, loadTestsFile, parseYamlSource } from './policy-document.loader';
import type { PolicyProblem } from './policy-document.model';

interface ManifestEntry {
  name?: unknown;
  environments?: unknown;
}

/**
 * Lints a policies directory without evaluating anything: every policy.yaml (schema, rule
 * logic, input variables), every tests.yaml (schema, rule ids it expects), and the manifest.
 * Returns problems as file:line:column: reason; an empty list means the directory is clean.
 */
export function lintPolicyDirectory(dir: string): PolicyProblem[] {
  const loaded = loadPolicyDirectory(dir);
  const problems: PolicyProblem[] = loaded.flatMap((policy) => policy.problems);
  if (loaded.length === 0) problems.push({ file: dir, line: 1, column: 1, reason: 'no policies found (expected <name>/policy.yaml)' });
  for (const policy of loaded) {
    const testsFile = join(policy.dir, 'tests.yaml');
    const display = join(policy.file, '..', 'tests.yaml');
    if (!existsSync(testsFile)) {
      problems.push({ file: display, line: 1, column: 1, reason: `policy "${policy.name}" has no tests` });
      continue;
    }
    const tests = loadTestsFile(testsFile, display);
    problems.push(...tests.problems);
    if (!tests.source || tests.problems.length || !policy.document) continue;
    const ruleIds = new Set(policy.document.rules.map((rule) => rule.id));
    const cases = (tests.source.value as { cases: Array<{ expect: { matchedRules?: string[] } }> }).cases;
    cases.forEach((testCase, index) =>
      (testCase.expect.matchedRules ?? []).forEach((id, k) => {
        if (!ruleIds.has(id)) {
          problems.push(tests.source!.locate({ path: ['cases', index, 'expect', 'matchedRules', k], reason: `"${id}" is not a rule of policy "${policy.name}"` }));
        }
      }),
    );
  }
  problems.push(...lintManifest(dir, loaded));
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function lintManifest(dir: string, loaded: ReturnType<typeof loadPolicyDirectory>): PolicyProblem[] {
  const file = join(dir, 'manifest.yaml');
  if (!existsSync(file)) return [];
  const source = parseYamlSource(relative(process.cwd(), file) || file, readFileSync(file, 'utf8'));
  if (source.problems.length) return source.problems;
  const entries = (source.value as { policies?: unknown } | null)?.policies;
  if (!Array.isArray(entries)) return [source.locate({ path: [], reason: 'the manifest must have a `policies` list' })];
  const problems: PolicyProblem[] = [];
  const listed = new Set<string>();
  (entries as ManifestEntry[]).forEach((entry, index) => {
    const name = String(entry?.name);
    listed.add(name);
    const policy = loaded.find((candidate) => candidate.name === name);
    if (!policy) {
      problems.push(source.locate({ path: ['policies', index, 'name'], reason: `policy "${name}" is listed but there is no ${name}/policy.yaml` }));
    } else if (policy.document && entry.environments !== undefined && !isDeepStrictEqual(entry.environments, policy.document.appliesTo.environments)) {
      problems.push(source.locate({ path: ['policies', index, 'environments'], reason: `policy "${name}" applies to [${policy.document.appliesTo.environments.join(', ')}], not what the manifest says` }));
    }
  });
  for (const policy of loaded) {
    if (!listed.has(policy.name)) problems.push(source.locate({ path: ['policies'], reason: `policy "${policy.name}" is not listed in the manifest` }));
  }
  return problems;
}
