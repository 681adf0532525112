/**
 * POLICY_INPUT_SCHEMA describes the input document a policy decides on. It is the contract
 * between the pipelines service (which assembles the document for a promotion) and policy
 * authors: a rule may only read fields defined here. policies/input.schema.json is this
 * object verbatim (a spec keeps them equal); policies/README.md documents each field.
 */
export const POLICY_INPUT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gatehouse.dev/schemas/policy-input.schema.json',
  title: 'Gatehouse policy input document',
  description: 'What a policy sees when it decides on one promotion of one change into one environment.',
  type: 'object',
  additionalProperties: false,
  required: ['change', 'evidence', 'application', 'source', 'target', 'window', 'requester', 'history'],
  properties: {
    change: {
      description: 'The immutable version of the application being promoted.',
      type: 'object',
      additionalProperties: false,
      required: ['id', 'sha', 'title', 'labels', 'paths', 'diffSize', 'risk', 'authors', 'emergency'],
      properties: {
        id: { type: 'string', description: 'Gatehouse change id.' },
        sha: { type: 'string', description: 'Commit SHA the change was built from.' },
        artifactDigest: { type: ['string', 'null'], description: 'Digest of the built artifact (e.g. sha256:...).' },
        title: { type: 'string' },
        ticket: { type: ['string', 'null'], description: 'Change ticket, e.g. CHG-1234, or null.' },
        labels: { type: 'array', items: { type: 'string' }, description: 'Free-form labels, e.g. hotfix, database-migration.' },
        paths: { type: 'array', items: { type: 'string' }, description: 'Repository paths the change touches, relative, e.g. payments/ledger.ts.' },
        diffSize: { type: 'integer', minimum: 0, description: 'Lines added plus lines removed.' },
        risk: { type: 'number', minimum: 0, maximum: 10, description: 'Risk score from 0 (trivial) to 10 (critical), computed by the pipelines service.' },
        authors: { type: 'array', items: { type: 'string' }, description: 'User ids of the authors and committers.' },
        emergency: { type: 'boolean', description: 'True for a break-glass promotion (reason and ticket required).' },
      },
    },
    evidence: {
      description: 'Evidence attached to the change by CI, scanners and checks.',
      type: 'object',
      additionalProperties: false,
      required: ['tests', 'vulnerabilities', 'checks'],
      properties: {
        tests: {
          type: 'object',
          additionalProperties: false,
          required: ['passed', 'total', 'failed'],
          properties: {
            passed: { type: 'boolean', description: 'True when a test run was reported and nothing failed.' },
            total: { type: 'integer', minimum: 0 },
            failed: { type: 'integer', minimum: 0 },
            coverage: { type: ['number', 'null'], minimum: 0, maximum: 100, description: 'Line coverage in percent, or null when not reported.' },
          },
        },
        vulnerabilities: {
          description: 'Open findings of the latest security scan, by severity.',
          type: 'object',
          additionalProperties: false,
          required: ['critical', 'high', 'medium', 'low'],
          properties: {
            critical: { type: 'integer', minimum: 0 },
            high: { type: 'integer', minimum: 0 },
            medium: { type: 'integer', minimum: 0 },
            low: { type: 'integer', minimum: 0 },
          },
        },
        checks: {
          description: 'Named checks by name, e.g. {"sast": "success"}.',
          type: 'object',
          additionalProperties: { type: 'string', enum: ['success', 'failure', 'pending', 'skipped'] },
        },
      },
    },
    application: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'team', 'tier', 'tags'],
      properties: {
        name: { type: 'string' },
        team: { type: 'string', description: 'Owning team.' },
        tier: { type: 'string', enum: ['critical', 'standard', 'internal'], description: 'Business criticality.' },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
    source: {
      description: 'The environment the change is promoted from (null fields for the first environment of a pipeline).',
      type: 'object',
      additionalProperties: false,
      required: ['environment', 'succeeded'],
      properties: {
        environment: { type: ['string', 'null'] },
        succeeded: { type: 'boolean', description: 'True when the change is deployed and healthy there.' },
        deployedAt: { type: ['string', 'null'], description: 'ISO 8601 time of that deployment.' },
      },
    },
    target: {
      description: 'The environment the change is promoted into.',
      type: 'object',
      additionalProperties: false,
      required: ['environment', 'regulated', 'tier'],
      properties: {
        environment: { type: 'string' },
        regulated: { type: 'boolean', description: 'True for environments under regulatory control (e.g. PCI DSS, SOX).' },
        tier: { type: 'string', enum: ['production', 'staging', 'testing', 'development'] },
        timezone: { type: 'string', description: 'IANA timezone of the environment, e.g. Europe/Zurich.' },
      },
    },
    window: {
      description: 'Change windows of the target environment at the time of the request.',
      type: 'object',
      additionalProperties: false,
      required: ['frozen', 'inChangeWindow'],
      properties: {
        frozen: { type: 'boolean', description: 'True during a freeze.' },
        freeze: { type: ['string', 'null'], description: 'Name of the active freeze, e.g. year-end.' },
        name: { type: ['string', 'null'], description: 'The same as freeze: the name of the window that freezes the environment (outside-allowed-hours outside every allowed window), or null.' },
        inChangeWindow: { type: 'boolean', description: 'True inside an allowed change window.' },
        localTime: { type: 'string', pattern: '^[0-2][0-9]:[0-5][0-9]$', description: 'HH:MM in the environment timezone.' },
        dayOfWeek: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
      },
    },
    requester: {
      description: 'Who asked for the promotion.',
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind', 'groups'],
      properties: {
        id: { type: 'string' },
        kind: { type: 'string', enum: ['human', 'service'], description: 'A person, or a pipeline/API token.' },
        groups: { type: 'array', items: { type: 'string' } },
        isAuthor: { type: 'boolean', description: 'True when the requester authored or committed the change.' },
      },
    },
    history: {
      description: 'Recent deployment history of this application in the target environment.',
      type: 'object',
      additionalProperties: false,
      required: ['deploymentsToday', 'failedDeploymentsLast7Days', 'lastDeploymentFailed'],
      properties: {
        deploymentsToday: { type: 'integer', minimum: 0 },
        failedDeploymentsLast7Days: { type: 'integer', minimum: 0 },
        lastDeploymentFailed: { type: 'boolean' },
        rollbacksLast30Days: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;
