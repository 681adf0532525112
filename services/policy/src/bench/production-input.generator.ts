import { LogicFuzzer } from '../logic/logic.fuzzer';

const APPLICATIONS = [
  { name: 'online-banking', team: 'digital', tier: 'critical', tags: ['customer-facing'] },
  { name: 'payments-hub', team: 'payments', tier: 'critical', tags: ['pci'] },
  { name: 'reporting', team: 'finance', tier: 'standard', tags: [] },
];
const PATHS = ['web/login/copy.ts', 'api/accounts.ts', 'docs/payments/overview.md', 'payments/ledger/post.ts', 'payments/fx/rates.ts', 'infra/helm/values.yaml', 'statements/export.ts'];
const SHARED = {
  source: { environment: 'staging', succeeded: true, deployedAt: '2026-11-25T09:30:00Z' },
  target: { environment: 'prod', regulated: true, tier: 'production', timezone: 'Europe/Zurich' },
  requester: { id: 'ci-pipeline', kind: 'service', groups: [], isAuthor: false },
  history: { deploymentsToday: 1, failedDeploymentsLast7Days: 0, lastDeploymentFailed: false, rollbacksLast30Days: 0 },
};

/**
 * ProductionInputGenerator makes varied, valid input documents for the production policy:
 * every field a rule reads varies (risk, tests, vulnerabilities, freeze, paths), so each
 * rule matches and misses in realistic proportions. Fields no rule reads are shared.
 */
export class ProductionInputGenerator {
  private readonly random: LogicFuzzer;

  constructor(seed: number) {
    this.random = new LogicFuzzer(seed);
  }

  next(serial: number): Record<string, unknown> {
    const r = this.random;
    const paths = Array.from({ length: 1 + r.int(4) }, () => (r.next() < 0.15 ? r.pick(PATHS.slice(3, 5)) : r.pick(PATHS)));
    const frozen = r.next() < 0.08;
    return {
      change: {
        id: `chg-${serial}`,
        sha: serial.toString(16).padStart(10, '0'),
        artifactDigest: null,
        title: 'change',
        ticket: null,
        labels: [],
        paths,
        diffSize: r.int(3000),
        risk: r.next() < 0.3 ? Math.round(r.next() * 100) / 10 : r.int(11),
        authors: ['alice'],
        emergency: false,
      },
      evidence: {
        tests: { passed: r.next() < 0.95, total: 800, failed: 0, coverage: 80 },
        vulnerabilities: { critical: r.next() < 0.03 ? 1 + r.int(3) : 0, high: r.int(3), medium: r.int(5), low: r.int(9) },
        checks: {},
      },
      application: r.pick(APPLICATIONS),
      window: { frozen, freeze: frozen ? 'year-end' : null, inChangeWindow: !frozen },
      ...SHARED,
    };
  }
}
