import { XMLParser } from 'fast-xml-parser';
import { source as parseLcovSource } from 'lcov-parse';
import { UsageError } from '../client/command-output';

/** TestsCounts is what a JUnit XML report says, as TestsEvidenceInput takes it. */
export interface TestsCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** SecurityCounts is what a SARIF report says, as SecurityScanEvidenceInput takes it. */
export interface SecurityCounts {
  tool: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Elements that may repeat are always arrays, so one test case reads like many.
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'testsuites',
  processEntities: true,
});

type XmlNode = Record<string, unknown>;

function parseXml(text: string, what: string): XmlNode {
  try {
    return xml.parse(text, true) as XmlNode;
  } catch (error) {
    throw new UsageError(`not a ${what} report: ${(error as Error).message}`);
  }
}

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as XmlNode)[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

/**
 * Counts the test cases of a JUnit XML report (`<testsuites>` or a lone `<testsuite>`, suites
 * nested at any depth): a case with `<failure>` or `<error>` failed, one with `<skipped>` was
 * skipped, any other passed. Cases are counted, not the suites' attributes, which tools fill
 * inconsistently.
 */
export function parseJUnit(text: string): TestsCounts {
  const document = parseXml(text, 'JUnit XML');
  const roots = [...children(document, 'testsuites'), ...children(document, 'testsuite').map((suite) => ({ testsuite: [suite] }))];
  if (!roots.length) throw new UsageError('not a JUnit XML report: no <testsuites> or <testsuite> element');
  const counts: TestsCounts = { passed: 0, failed: 0, skipped: 0 };
  const visit = (suite: XmlNode) => {
    for (const testCase of children(suite, 'testcase')) {
      if ('failure' in testCase || 'error' in testCase) counts.failed += 1;
      else if ('skipped' in testCase) counts.skipped += 1;
      else counts.passed += 1;
    }
    for (const nested of children(suite, 'testsuite')) visit(nested);
  };
  for (const root of roots) visit(root);
  return counts;
}

/** Line coverage of a Cobertura XML report, 0 to 100: lines-covered / lines-valid, else line-rate. */
export function parseCobertura(text: string): number {
  const document = parseXml(text, 'Cobertura XML');
  if (!('coverage' in document)) throw new UsageError('not a Cobertura XML report: no <coverage> element');
  // An element with neither attributes nor children parses as an empty string.
  const coverage = (typeof document.coverage === 'object' && document.coverage ? document.coverage : {}) as XmlNode;
  const covered = Number(coverage['@lines-covered']);
  const valid = Number(coverage['@lines-valid']);
  if (Number.isFinite(covered) && Number.isFinite(valid) && valid > 0) return roundPercent((covered / valid) * 100);
  const rate = Number(coverage['@line-rate']);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new UsageError('not a Cobertura XML report: <coverage> has no line-rate or lines-covered/lines-valid');
  return roundPercent(rate * 100);
}

/** Line coverage of an lcov tracefile, 0 to 100: lines hit over lines found, across every file. */
export async function parseLcov(text: string): Promise<number> {
  const files = await new Promise<Parameters<Parameters<typeof parseLcovSource>[1]>[1]>((resolve, reject) =>
    parseLcovSource(text, (error, data) => (error ? reject(new UsageError(`not an lcov report: ${error}`)) : resolve(data))),
  );
  let hit = 0;
  let found = 0;
  for (const file of files ?? []) {
    hit += file.lines.hit;
    found += file.lines.found;
  }
  if (!found) throw new UsageError('not an lcov report: it counts no lines (no LF records)');
  return roundPercent((hit / found) * 100);
}

function roundPercent(percent: number): number {
  return Math.round(percent * 100) / 100;
}

interface SarifRule {
  id?: string;
  defaultConfiguration?: { level?: string };
  properties?: Record<string, unknown>;
}

interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: { index?: number; id?: string };
  level?: string;
  properties?: Record<string, unknown>;
}

interface SarifRun {
  tool?: { driver?: { name?: string; rules?: SarifRule[] } };
  results?: SarifResult[];
}

/** SarifSeverity is where one SARIF result is counted; `none` is not counted. */
export type SarifSeverity = 'critical' | 'high' | 'medium' | 'low' | 'none';

/**
 * The severity of one SARIF result. A numeric `security-severity` (on the result's properties,
 * else its rule's) wins, read in GitHub code scanning's bands: ≥ 9 critical, ≥ 7 high, ≥ 4
 * medium, > 0 low. Without one, the SARIF level (the result's, else the rule's default, else
 * `warning` as SARIF says) maps error → high, warning → medium, note → low, none → not counted.
 */
export function sarifSeverity(result: SarifResult, rule: SarifRule | undefined): SarifSeverity {
  const score = Number(result.properties?.['security-severity'] ?? rule?.properties?.['security-severity']);
  if (Number.isFinite(score) && score > 0) {
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'medium';
    return 'low';
  }
  const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
  if (level === 'error') return 'high';
  if (level === 'warning') return 'medium';
  if (level === 'note') return 'low';
  return 'none';
}

/** Counts a SARIF 2.1.0 log's results by severity (see sarifSeverity); the tool is the first run's driver. */
export function parseSarif(text: string): SecurityCounts {
  let log: { runs?: SarifRun[] };
  try {
    log = JSON.parse(text) as { runs?: SarifRun[] };
  } catch (error) {
    throw new UsageError(`not a SARIF report: ${(error as Error).message}`);
  }
  if (!log || !Array.isArray(log.runs)) throw new UsageError('not a SARIF report: no runs');
  const counts: SecurityCounts = { tool: log.runs[0]?.tool?.driver?.name ?? 'unknown', critical: 0, high: 0, medium: 0, low: 0 };
  for (const run of log.runs) {
    const rules = run.tool?.driver?.rules ?? [];
    for (const result of run.results ?? []) {
      const index = result.ruleIndex ?? result.rule?.index;
      const ruleId = result.ruleId ?? result.rule?.id;
      const rule = index !== undefined ? rules[index] : rules.find((candidate) => candidate.id === ruleId);
      const severity = sarifSeverity(result, rule);
      if (severity !== 'none') counts[severity] += 1;
    }
  }
  return counts;
}
