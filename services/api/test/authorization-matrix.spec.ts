import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ALL_ROLES, Role } from '@gatehouse/shared';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { startTestApp, type TestApp } from './support/test-app';

type Who = 'PUBLIC' | 'AUTHENTICATED' | readonly Role[];

/**
 * Who may call each operation. Every query and mutation of the live schema must appear here:
 * an operation added without an entry fails this test, and one without an access rule is
 * refused by the guard, so nothing can slip in unguarded.
 */
/** Voting is for everyone but auditors (who change nothing); group membership decides whether a vote counts. */
const VOTERS = ALL_ROLES.filter((role) => role !== Role.AUDITOR);

const EXPECTED: Record<string, Who> = {
  // queries
  application: ALL_ROLES,
  applications: ALL_ROLES,
  apiTokens: 'AUTHENTICATED',
  auditEvent: ALL_ROLES,
  auditEvents: ALL_ROLES,
  auditPublicKey: 'PUBLIC',
  change: ALL_ROLES,
  changeEvidence: ALL_ROLES,
  changeWindowStatus: ALL_ROLES,
  changeWindows: ALL_ROLES,
  changes: ALL_ROLES,
  diffPolicyVersions: ALL_ROLES,
  environmentStatus: ALL_ROLES,
  evaluatePolicy: ALL_ROLES,
  group: ALL_ROLES,
  groups: ALL_ROLES,
  integrations: [Role.ADMIN],
  me: 'AUTHENTICATED',
  overdueReviews: ALL_ROLES,
  pendingApprovals: ALL_ROLES,
  policies: ALL_ROLES,
  policy: ALL_ROLES,
  policyVersion: ALL_ROLES,
  promotion: ALL_ROLES,
  promotions: ALL_ROLES,
  replayDecision: ALL_ROLES,
  sessionCsrfToken: 'AUTHENTICATED',
  simulatePolicy: ALL_ROLES,
  user: ALL_ROLES,
  users: ALL_ROLES,
  verifyAuditChain: ALL_ROLES,
  webhookDeliveries: [Role.ADMIN, Role.AUDITOR],
  webhooks: [Role.ADMIN, Role.AUDITOR],
  // mutations
  activatePolicyVersion: [Role.POLICY_AUTHOR],
  addGroupMember: [Role.ADMIN],
  approvePromotion: VOTERS,
  archiveApplication: [Role.ADMIN],
  attachEvidence: [Role.DEVELOPER],
  cancelPromotion: [Role.DEVELOPER, Role.ADMIN],
  completeEmergencyReview: VOTERS,
  createApiToken: 'AUTHENTICATED',
  createApplication: [Role.ADMIN],
  createChangeWindow: [Role.ADMIN, Role.POLICY_AUTHOR],
  createGroup: [Role.ADMIN],
  createIntegration: [Role.ADMIN],
  createUser: [Role.ADMIN],
  createWebhook: [Role.ADMIN],
  deleteChangeWindow: [Role.ADMIN, Role.POLICY_AUTHOR],
  disableIntegration: [Role.ADMIN],
  disableWebhook: [Role.ADMIN],
  emergencyPromote: [Role.EMERGENCY],
  grantRole: [Role.ADMIN],
  login: 'PUBLIC',
  logout: 'AUTHENTICATED',
  publishPolicyVersion: [Role.POLICY_AUTHOR],
  registerChange: [Role.DEVELOPER],
  rejectPromotion: VOTERS,
  removeGroupMember: [Role.ADMIN],
  reportDeployment: [Role.DEVELOPER],
  requestPromotion: [Role.DEVELOPER],
  revokeApiToken: 'AUTHENTICATED',
  revokeRole: [Role.ADMIN],
  updateEnvironment: [Role.ADMIN],
};

/** Refusals that come from the guard (as opposed to the operation's own checks). */
const GUARD_REASONS = ['NOT_AUTHENTICATED', 'ROLE_REQUIRED', 'SCOPE_REQUIRED', 'ACCESS_RULE_MISSING'];

/** A value of the right shape for a required argument: enough to get past GraphQL to the guard. */
function sampleValue(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [sampleValue(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, sampleValue(field.type)]),
    );
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'ID':
        return '00000000-0000-4000-8000-000000000000';
      case 'DateTime':
        return '2030-01-01T00:00:00.000Z';
      default:
        return 'sample';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return {
    query: `${kind}${declarations ? `(${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, sampleValue(arg.type)])),
  };
}

describe('authorization matrix (role × operation, from the live schema)', () => {
  let api: TestApp;
  const tokens = new Map<Role, string>();
  let operations: { name: string; kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[];

  beforeAll(async () => {
    api = await startTestApp();
    for (const role of ALL_ROLES) tokens.set(role, await api.tokenFor(`only-${role.toLowerCase().replace('_', '-')}`, [role]));
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const fieldsOf = (type: GraphQLObjectType | null | undefined, kind: 'query' | 'mutation') =>
      Object.values(type?.getFields() ?? {}).map((field) => ({ name: field.name, kind, field }));
    operations = [...fieldsOf(schema.getQueryType(), 'query'), ...fieldsOf(schema.getMutationType(), 'mutation')];
  });
  afterAll(() => api.close());

  it('declares an expected rule for every operation in the schema, and no rule for an operation that is gone', () => {
    const names = operations.map((o) => o.name).sort();
    expect(names.filter((name) => !(name in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((name) => !names.includes(name))).toEqual([]);
  });

  it('refuses every non-public operation to an anonymous caller with UNAUTHENTICATED', async () => {
    for (const operation of operations) {
      const { query, variables } = operationFor(operation.kind, operation.field);
      const response = await api.graphql(query, variables, { authorization: '' });
      const { code, reason } = (response.errors?.[0]?.extensions ?? {}) as { code?: string; reason?: string };
      if (EXPECTED[operation.name] === 'PUBLIC') expect([operation.name, GUARD_REASONS.includes(String(reason))]).toEqual([operation.name, false]);
      else expect([operation.name, code]).toEqual([operation.name, 'UNAUTHENTICATED']);
    }
  });

  it.each(ALL_ROLES)('lets %s call exactly the operations its role allows', async (role) => {
    const cells: string[] = [];
    for (const operation of operations) {
      const { query, variables } = operationFor(operation.kind, operation.field);
      const response = await api.graphql(query, variables, { authorization: `Bearer ${tokens.get(role)}` });
      const error = response.errors?.[0];
      const refusedByGuard = error !== undefined && GUARD_REASONS.includes(String(error.extensions.reason));
      const rule = EXPECTED[operation.name]!;
      const allowed = rule === 'PUBLIC' || rule === 'AUTHENTICATED' || rule.includes(role);
      if (allowed && refusedByGuard) cells.push(`${operation.name}: expected allowed, got ${error.extensions.reason}`);
      if (!allowed && !(error?.extensions.code === 'FORBIDDEN' && error.extensions.reason === 'ROLE_REQUIRED')) {
        cells.push(`${operation.name}: expected FORBIDDEN (ROLE_REQUIRED), got ${error ? `${error.extensions.code} ${error.extensions.reason}` : 'success'}`);
      }
    }
    expect(cells).toEqual([]);
  });

  it('refuses every mutation to a READ-scoped token, whatever its owner may do', async () => {
    const readOnly = await api.tokenFor('read-only-admin', [...ALL_ROLES], { scopes: ['READ'] });
    for (const operation of operations.filter((o) => o.kind === 'mutation' && EXPECTED[o.name] !== 'PUBLIC')) {
      const { query, variables } = operationFor('mutation', operation.field);
      const response = await api.graphql(query, variables, { authorization: `Bearer ${readOnly}` });
      expect([operation.name, response.errors?.[0]?.extensions.reason]).toEqual([operation.name, 'SCOPE_REQUIRED']);
    }
  });
});
