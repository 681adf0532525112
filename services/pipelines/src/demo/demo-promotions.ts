import { Injectable, Logger } from '@nestjs/common';
import { UserService } from '@gatehouse/identity';
import type { Principal } from '@gatehouse/shared';
import { TokenScope } from '@gatehouse/shared';
import { ChangeService } from '../change/change.service';
import { EvidenceKind } from '../evidence/evidence-kind';
import { EvidenceService } from '../evidence/evidence.service';
import { DeploymentStatus } from '../promotion/promotion-state';
import { PromotionService } from '../promotion/promotion.service';

interface DemoChange {
  application: string;
  version: string;
  title: string;
  authors: string[];
  paths: string[];
  lines: number;
  tests: { passed: number; failed: number };
}

/**
 * DemoPromotions gives the demo bank a history to look at: releases deployed all the way, one
 * waiting for its second payments lead, one denied for failing tests, one that deployed by
 * itself, one rolled back and one break-glass promotion waiting for its review. Everything goes
 * through the same services a user calls, as the demo users, so it is decided, audited and
 * replayable like real work.
 */
@Injectable()
export class DemoPromotions {
  private readonly logger = new Logger(DemoPromotions.name);

  constructor(
    private readonly users: UserService,
    private readonly changes: ChangeService,
    private readonly evidence: EvidenceService,
    private readonly promotions: PromotionService,
  ) {}

  async seed(): Promise<void> {
    const dev = await this.principal('dev');
    const lead1 = await this.principal('lead-1');
    const lead2 = await this.principal('lead-2');
    const emergency = await this.principal('emergency');

    const change = async (c: DemoChange) => {
      const registered = await this.changes.register(
        {
          application: c.application,
          version: c.version,
          commits: c.authors.map((author, i) => ({ sha: `${(0xa11ce + i * 7919 + c.version.length).toString(16)}${'0'.repeat(8)}`.slice(0, 12), author, message: `${c.title} (${i + 1})` })),
          artifactDigest: `sha256:${Buffer.from(`${c.application}@${c.version}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
          title: c.title,
          ticket: `CHG-${1000 + c.version.length * 37}`,
          labels: [],
          changedPaths: c.paths,
          linesAdded: c.lines,
          linesRemoved: Math.round(c.lines / 4),
        },
        dev,
        null,
      );
      await this.evidence.attach({ change: registered.id, kind: EvidenceKind.TESTS, tests: { ...c.tests, skipped: 0 }, source: 'github-actions' }, dev, null);
      return registered.id;
    };
    const promote = async (changeId: string, environment: string) => this.promotions.request({ change: changeId, environment, reason: 'demo release' }, dev, null);
    const deploy = async (promotionId: string, status = DeploymentStatus.SUCCEEDED) =>
      this.promotions.reportDeployment({ promotion: promotionId, status, url: 'https://deploy.bank.example/runs/demo' }, dev, null);
    const through = async (changeId: string, environments: string[]) => {
      for (const environment of environments) await deploy((await promote(changeId, environment)).id);
    };

    // payments-api 1.4.0: payments code, two leads approved, running in prod.
    const released = await change({ application: 'payments-api', version: '1.4.0', title: 'SEPA instant payouts', authors: ['alice'], paths: ['payments/sepa/instant.ts'], lines: 240, tests: { passed: 912, failed: 0 } });
    await through(released, ['dev', 'staging']);
    const prod = await promote(released, 'prod');
    await this.promotions.approve({ promotion: prod.id, comment: 'Reviewed the payout limits' }, lead1, null);
    await this.promotions.approve({ promotion: prod.id, comment: 'Rollback plan checked' }, lead2, null);
    await deploy(prod.id);

    // payments-api 1.5.0: waiting in prod for its second payments lead.
    const waiting = await change({ application: 'payments-api', version: '1.5.0', title: 'Card tokenisation v2', authors: ['bob'], paths: ['payments/cards/tokens.ts'], lines: 180, tests: { passed: 930, failed: 0 } });
    await through(waiting, ['dev', 'staging']);
    const pending = await promote(waiting, 'prod');
    await this.promotions.approve({ promotion: pending.id, comment: 'Looks right to me' }, lead1, null);

    // mobile-banking 2.3.0: small and low risk, deployed to prod by itself.
    const small = await change({ application: 'mobile-banking', version: '2.3.0', title: 'Fix typo in the login screen', authors: ['carol'], paths: ['app/login/copy.ts'], lines: 3, tests: { passed: 410, failed: 0 } });
    await through(small, ['dev', 'staging', 'prod']);

    // fraud-scoring 0.9.0: failing tests, denied at staging.
    const failing = await change({ application: 'fraud-scoring', version: '0.9.0', title: 'New velocity features', authors: ['dan'], paths: ['models/velocity.py'], lines: 520, tests: { passed: 301, failed: 4 } });
    await through(failing, ['dev']);
    await promote(failing, 'staging');

    // fraud-scoring 0.8.2: deployed to staging, then rolled back.
    const rolled = await change({ application: 'fraud-scoring', version: '0.8.2', title: 'Threshold tuning', authors: ['dan'], paths: ['models/thresholds.yaml'], lines: 12, tests: { passed: 301, failed: 0 } });
    await through(rolled, ['dev']);
    const staging = await promote(rolled, 'staging');
    await deploy(staging.id, DeploymentStatus.FAILED);
    await deploy(staging.id, DeploymentStatus.ROLLED_BACK);

    // mobile-banking 2.3.1: a break-glass hotfix, its review still open.
    const hotfix = await change({ application: 'mobile-banking', version: '2.3.1', title: 'Hotfix: session expiry loop', authors: ['carol'], paths: ['app/session/refresh.ts'], lines: 40, tests: { passed: 412, failed: 0 } });
    await through(hotfix, ['dev', 'staging']);
    const glass = await this.promotions.emergency(
      { change: hotfix, environment: 'prod', justification: 'Customers are logged out every minute since the 08:00 release', ticket: 'INC-2041' },
      emergency,
      null,
    );
    await deploy(glass.id);
    this.logger.log('Seeded demo promotions');
  }

  private async principal(username: string): Promise<Principal> {
    const user = await this.users.get(username);
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      via: 'SESSION',
      scopes: [TokenScope.READ, TokenScope.WRITE],
      actor: { kind: 'USER', id: user.id, displayName: user.displayName, ip: null, userAgent: 'gatehouse demo seed' },
    };
  }
}
