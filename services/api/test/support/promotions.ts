import { resolve } from 'node:path';
import type { GraphQLResponse, TestApp } from './test-app';

/** The repository's policies: dev deploys by itself, staging needs passing tests, prod is regulated. */
export const POLICIES_DIR = resolve(__dirname, '../../../../policies');

export const PROMOTION_FIELDS = `id application environment sourceEnvironment changeId version state emergency reason ticket
  requestedBy { id username displayName } requestedAt updatedAt expiresAt idempotencyKey
  decision { id outcome basis approvalsRequired { group count } matchedRules { id effect reason } policyName policyVersion policyHash inputHash trigger supersededAt }
  approvalProgress { group required granted approvers }`;

export const REQUEST = `mutation Request($input: RequestPromotionInput!) { requestPromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
export const APPROVE = `mutation Approve($input: ApprovePromotionInput!) { approvePromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
export const REJECT = `mutation Reject($input: RejectPromotionInput!) { rejectPromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
export const CANCEL = `mutation Cancel($input: CancelPromotionInput!) { cancelPromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
export const EMERGENCY = `mutation Emergency($input: EmergencyPromoteInput!) { emergencyPromote(input: $input) { ${PROMOTION_FIELDS} review { groups dueAt overdue completedAt } } }`;
export const REPORT = `mutation Report($input: ReportDeploymentInput!) { reportDeployment(input: $input) { ${PROMOTION_FIELDS} deployments { status url details } } }`;
export const GET_PROMOTION = `query Get($id: ID!) { promotion(id: $id) { ${PROMOTION_FIELDS}
  decisions { id outcome trigger supersededAt input explanation { id matched facts } }
  approvals { id approver { username } vote comment groups decisionId counted dismissedAt dismissReason }
  deployments { status url details reportedBy { username } }
  timeline { at kind summary actor }
  myEligibility { canApprove code reason groups }
  review { groups dueAt overdue completedAt completedBy { username } comment } } }`;

export interface PromotionData {
  id: string;
  application: string;
  environment: string;
  sourceEnvironment: string | null;
  changeId: string;
  version: string;
  state: string;
  emergency: boolean;
  expiresAt: string | null;
  requestedBy: { id: string; username: string };
  decision: {
    id: string;
    outcome: string;
    basis: string;
    approvalsRequired: { group: string; count: number }[];
    matchedRules: { id: string; effect: string; reason: string }[];
    policyName: string | null;
    policyVersion: number | null;
    policyHash: string | null;
    inputHash: string;
    trigger: string;
  };
  approvalProgress: { group: string; required: number; granted: number; approvers: string[] }[];
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A test pipeline: the application, and calls made with a developer's token. */
export class PromotionDriver {
  constructor(
    readonly api: TestApp,
    readonly developer: string,
  ) {}

  async createApplication(name: string, environments = ['dev', 'staging', 'prod']): Promise<void> {
    const tiers: Record<string, string> = { dev: 'DEVELOPMENT', staging: 'STAGING', prod: 'PRODUCTION' };
    const response = await this.api.graphql(`mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: {
        name,
        team: 'payments-platform',
        tier: 'CRITICAL',
        tags: ['pci'],
        environments: environments.map((env) => ({ name: env, tier: tiers[env] ?? 'TESTING', regulated: env === 'prod', timezone: 'Europe/London' })),
      },
    });
    if (response.errors) throw new Error(`createApplication: ${JSON.stringify(response.errors)}`);
  }

  /** Registers a change (payments code by default: prod needs two payments leads) with passing tests. */
  async change(
    application: string,
    version: string,
    options: { authors?: string[]; paths?: string[]; tests?: { passed: number; failed: number } | null; token?: string } = {},
  ): Promise<string> {
    const authors = options.authors ?? ['alice'];
    const response = await this.api.graphql<{ registerChange: { id: string } }>(
      `mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id } }`,
      {
        input: {
          application,
          version,
          commits: authors.map((author, i) => ({ sha: `${(i + 1).toString(16).padStart(2, '0')}${'c0ffee'.repeat(3)}`, author, message: `commit ${i} by ${author}` })),
          artifactDigest: `sha256:${'ab'.repeat(32)}`,
          title: `Release ${version}`,
          ticket: 'CHG-1',
          labels: [],
          changedPaths: options.paths ?? ['payments/ledger.ts'],
          linesAdded: 10,
          linesRemoved: 2,
        },
      },
      bearer(options.token ?? this.developer),
    );
    if (response.errors) throw new Error(`registerChange: ${JSON.stringify(response.errors)}`);
    const id = response.data!.registerChange.id;
    if (options.tests !== null) await this.tests(id, options.tests ?? { passed: 120, failed: 0 });
    return id;
  }

  async tests(change: string, tests: { passed: number; failed: number }): Promise<void> {
    const response = await this.api.graphql(
      `mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }`,
      { input: { change, kind: 'TESTS', tests: { ...tests, skipped: 0 } } },
      bearer(this.developer),
    );
    if (response.errors) throw new Error(`attachEvidence: ${JSON.stringify(response.errors)}`);
  }

  request(change: string, environment: string, extra: Record<string, unknown> = {}, token = this.developer): Promise<GraphQLResponse<{ requestPromotion: PromotionData }>> {
    return this.api.graphql(REQUEST, { input: { change, environment, reason: 'release', ...extra } }, bearer(token));
  }

  async requested(change: string, environment: string, extra: Record<string, unknown> = {}): Promise<PromotionData> {
    const response = await this.request(change, environment, extra);
    if (response.errors) throw new Error(`requestPromotion ${environment}: ${JSON.stringify(response.errors)}`);
    return response.data!.requestPromotion;
  }

  report(promotion: string, status: string, extra: Record<string, unknown> = {}, token = this.developer) {
    return this.api.graphql<{ reportDeployment: PromotionData & { deployments: { status: string }[] } }>(REPORT, { input: { promotion, status, ...extra } }, bearer(token));
  }

  async deployed(promotion: string): Promise<void> {
    const response = await this.report(promotion, 'SUCCEEDED', { url: 'https://deploy.example.com/runs/1' });
    if (response.errors) throw new Error(`reportDeployment: ${JSON.stringify(response.errors)}`);
  }

  vote(promotion: string, token: string, vote: 'approve' | 'reject' = 'approve', comment: string | null = 'looks good') {
    return this.api.graphql<{ approvePromotion?: PromotionData; rejectPromotion?: PromotionData }>(
      vote === 'approve' ? APPROVE : REJECT,
      { input: { promotion, comment } },
      bearer(token),
    );
  }

  /** Walks a change through dev and staging (both decide by themselves) so that prod can be requested. */
  async throughStaging(change: string): Promise<void> {
    for (const environment of ['dev', 'staging']) {
      const promotion = await this.requested(change, environment);
      if (promotion.state !== 'APPROVED') throw new Error(`${environment}: expected APPROVED, got ${promotion.state}`);
      await this.deployed(promotion.id);
    }
  }
}
