import { CheckStatus, EvidenceKind } from '@gatehouse/pipelines';
import type { CDEventType } from '../cdevents/cdevents.validator';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import { DIGEST, PayloadProblems, SHA, slugOf, type DeploymentReport, type EvidenceReport, type IncomingAction } from './incoming.action';

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The CDEvents Gatehouse maps, by `<subject>.<predicate>`. */
export const MAPPED_CDEVENTS = ['change.merged', 'artifact.published', 'testsuiterun.finished', 'service.deployed', 'service.upgraded', 'service.rolledback'];

/**
 * Maps a valid CDEvent to what Gatehouse does. The spec's events do not carry everything a
 * change needs (commits, a title), so a sender adds `customData.gatehouse`:
 *
 * - `change.merged`, `artifact.published`: register a change from `customData.gatehouse`
 *   (`version`, `artifactDigest`, `commits`, `title`, optional `ticket`, `labels`, `changedPaths`,
 *   `linesAdded`, `linesRemoved`, `evidence`). An OCI package URL as the artifact's subject id
 *   (`pkg:oci/app@sha256%3A…`) supplies the digest. Without `customData.gatehouse` the event is ignored.
 * - `testsuiterun.finished`: evidence on a change: TESTS when `customData.gatehouse.tests`
 *   gives counts, else the check `tests-<suite>` (pass → PASSED, anything else → FAILED).
 * - `service.deployed`, `service.upgraded` (SUCCEEDED) and `service.rolledback` (ROLLED_BACK):
 *   a deployment into `subject.content.environment.id` of the change whose artifact is `artifactId`.
 *
 * The change of an event about an existing change is `customData.gatehouse.change` (its id),
 * else found by `customData.gatehouse.version`, `sha` or the artifact, among the changes this
 * integration registered.
 */
export function mapCDEvent(type: CDEventType, event: Json): IncomingAction {
  const subject = object(event.subject)!;
  const content = object(subject.content) ?? {};
  const custom = object(object(event.customData)?.gatehouse);
  const name = `${type.subject}.${type.predicate}`;
  switch (name) {
    case 'change.merged':
    case 'artifact.published': {
      if (!custom) return { kind: 'ignore', reason: `${name} without customData.gatehouse: nothing to register (see the integrations README)` };
      return register(name, String(subject.id), custom);
    }
    case 'testsuiterun.finished': {
      const suite = object(content.testSuite);
      const problems = new PayloadProblems();
      const evidence: EvidenceReport[] = [];
      const tests = object(custom?.tests);
      if (tests) {
        const counts = { passed: problems.count('customData.gatehouse.tests.passed', tests.passed), failed: problems.count('customData.gatehouse.tests.failed', tests.failed), skipped: problems.count('customData.gatehouse.tests.skipped', tests.skipped) };
        evidence.push({ kind: EvidenceKind.TESTS, tests: counts as { passed: number; failed: number; skipped: number }, source: 'cdevents' });
      } else {
        const status = content.status === 'pass' ? CheckStatus.PASSED : CheckStatus.FAILED;
        evidence.push({ kind: EvidenceKind.CHECK, check: { name: slugOf(String(suite?.name ?? suite?.id ?? subject.id), 'tests'), status }, source: 'cdevents' });
      }
      const changeId = changeIdOf(custom, problems);
      if (problems.problems.length) throw invalid(problems.problems);
      return { kind: 'evidence', lookup: lookupOf(custom, []), changeId, evidence };
    }
    case 'service.deployed':
    case 'service.upgraded':
    case 'service.rolledback': {
      const problems = new PayloadProblems();
      const changeId = changeIdOf(custom, problems);
      if (problems.problems.length) throw invalid(problems.problems);
      const artifact = String(content.artifactId);
      const digest = digestOfPurl(artifact);
      const deployment: DeploymentReport = {
        environment: String(object(content.environment)?.id),
        status: type.predicate === 'rolledback' ? 'ROLLED_BACK' : 'SUCCEEDED',
        url: null,
      };
      return { kind: 'deployment', lookup: lookupOf(custom, [`artifact:${artifact}`, ...(digest ? [`artifact:${digest}`] : [])]), changeId, deployment };
    }
    default:
      return { kind: 'ignore', reason: `${name} is not an event Gatehouse maps (${MAPPED_CDEVENTS.join(', ')})` };
  }
}

function register(name: string, subjectId: string, custom: Json): IncomingAction {
  const problems = new PayloadProblems();
  const at = (field: string) => `customData.gatehouse.${field}`;
  const purlDigest = name === 'artifact.published' ? digestOfPurl(subjectId) : null;
  const version = problems.text(at('version'), custom.version, { max: 128 });
  const artifactDigest = problems.matching(at('artifactDigest'), custom.artifactDigest ?? purlDigest, DIGEST, 'must be sha256: followed by 64 lowercase hex characters');
  const title = problems.text(at('title'), custom.title, { max: 500 });
  const ticket = problems.text(at('ticket'), custom.ticket, { max: 100, required: false }) ?? null;
  const rawCommits = Array.isArray(custom.commits) ? custom.commits : [];
  if (!rawCommits.length) problems.add(at('commits'), 'must list at least one commit (head first)');
  if (rawCommits.length > 1000) problems.add(at('commits'), 'must list at most 1000 commits');
  const commits = rawCommits.slice(0, 1000).map((raw, index) => {
    const commit = object(raw);
    return {
      sha: problems.matching(at(`commits[${index}].sha`), commit?.sha, SHA, 'must be 7 to 64 lowercase hex characters') ?? '',
      author: problems.text(at(`commits[${index}].author`), commit?.author, { max: 200 }) ?? '',
      message: problems.text(at(`commits[${index}].message`), commit?.message ?? '', { min: 0, max: 10000 }) ?? '',
    };
  });
  const labels = stringList(problems, at('labels'), custom.labels, 50, 100);
  const changedPaths = stringList(problems, at('changedPaths'), custom.changedPaths, 10000, 1024);
  const linesAdded = problems.count(at('linesAdded'), custom.linesAdded, false) ?? 0;
  const linesRemoved = problems.count(at('linesRemoved'), custom.linesRemoved, false) ?? 0;
  const evidence = evidenceList(problems, at('evidence'), custom.evidence);
  if (problems.problems.length) throw invalid(problems.problems);
  const links = [`version:${version}`, `sha:${commits[0]!.sha}`, `artifact:${artifactDigest}`, ...(name === 'artifact.published' ? [`artifact:${subjectId}`] : [])];
  return {
    kind: 'register',
    change: { application: '', version: version!, commits, artifactDigest: artifactDigest!, title: title!, ticket, labels, changedPaths, linesAdded, linesRemoved },
    evidence,
    links,
  };
}

/**
 * Evidence sent with a registration: `{ kind, tests | coverage | securityScan | check }`. Its
 * values are checked here (the API checks them on its GraphQL inputs); which payload goes
 * with which kind is checked by the evidence service.
 */
function evidenceList(problems: PayloadProblems, path: string, value: unknown): EvidenceReport[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 20) return problems.add(path, 'must be a list of at most 20 evidence reports'), [];
  return value.map((raw, index) => {
    const at = `${path}[${index}]`;
    const report = object(raw) ?? {};
    const kind = report.kind;
    if (typeof kind !== 'string' || !Object.values(EvidenceKind).includes(kind as EvidenceKind)) problems.add(`${at}.kind`, `must be one of ${Object.values(EvidenceKind).join(', ')}`);
    const tests = object(report.tests);
    const coverage = object(report.coverage);
    const scan = object(report.securityScan);
    const check = object(report.check);
    if (tests) for (const field of ['passed', 'failed', 'skipped']) problems.count(`${at}.tests.${field}`, tests[field]);
    if (coverage && (typeof coverage.percent !== 'number' || !(coverage.percent >= 0 && coverage.percent <= 100))) problems.add(`${at}.coverage.percent`, 'must be a number from 0 to 100');
    if (scan) {
      for (const field of ['critical', 'high', 'medium', 'low']) problems.count(`${at}.securityScan.${field}`, scan[field]);
      problems.text(`${at}.securityScan.tool`, scan.tool, { max: 100 });
    }
    if (check) {
      problems.matching(`${at}.check.name`, check.name, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a slug');
      if (!Object.values(CheckStatus).includes(check.status as CheckStatus)) problems.add(`${at}.check.status`, `must be one of ${Object.values(CheckStatus).join(', ')}`);
    }
    return {
      kind: kind as EvidenceKind,
      tests: tests as EvidenceReport['tests'],
      coverage: coverage as EvidenceReport['coverage'],
      securityScan: scan as EvidenceReport['securityScan'],
      check: check as EvidenceReport['check'],
      source: 'cdevents',
    };
  });
}

function stringList(problems: PayloadProblems, path: string, value: unknown, maxItems: number, maxLength: number): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > maxItems || value.some((item) => typeof item !== 'string' || !item || item.length > maxLength)) {
    problems.add(path, `must be a list of at most ${maxItems} non-empty strings of at most ${maxLength} characters`);
    return [];
  }
  return value as string[];
}

function changeIdOf(custom: Json | undefined, problems: PayloadProblems): string | null {
  if (custom?.change === undefined) return null;
  return problems.matching('customData.gatehouse.change', custom.change, UUID, 'must be a change id (a UUID)') ?? null;
}

function lookupOf(custom: Json | undefined, more: string[]): string[] {
  const keys: string[] = [];
  if (typeof custom?.version === 'string') keys.push(`version:${custom.version}`);
  if (typeof custom?.sha === 'string') keys.push(`sha:${custom.sha}`);
  return [...keys, ...more];
}

/** `pkg:oci/app@sha256%3A<hex>` → `sha256:<hex>`; null for any other package URL. */
export function digestOfPurl(purl: string): string | null {
  const match = /^pkg:oci\/[^@]+@([^?#]+)/.exec(purl);
  if (!match) return null;
  const version = decodeURIComponent(match[1]!);
  return DIGEST.test(version) ? version : null;
}

function invalid(problems: string[]): IntegrationException {
  return new IntegrationException(IntegrationErrorReason.PAYLOAD_INVALID, `The CDEvent cannot be mapped: ${problems.join('; ')}.`, { problems });
}
