/**
 * POLICY_SCHEMA is the JSON Schema of policies/<name>/policy.yaml. Editors use the copy in
 * policies/policy.schema.json (a spec keeps it equal to this object); the loader validates
 * every document with it before the checks JSON Schema cannot express (rule logic, inputs).
 */
export const POLICY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gatehouse.dev/schemas/policy.schema.json',
  title: 'Gatehouse policy',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'appliesTo', 'default', 'rules'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'Policy name; also its folder under policies/.' },
    version: { type: 'integer', minimum: 1, description: 'Immutable once published: any change needs a new version.' },
    description: { type: 'string' },
    appliesTo: {
      type: 'object',
      additionalProperties: false,
      required: ['environments'],
      properties: {
        environments: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
          description: 'Environment names this policy may be activated for.',
        },
        regulated: {
          type: 'boolean',
          description: 'True when the policy may govern regulated environments. Such a policy must fail closed: its default cannot be allow.',
        },
      },
    },
    default: { $ref: '#/definitions/effect', description: 'Outcome when no rule matches, and the fallback when a rule fails to evaluate.' },
    defaultApprovals: { $ref: '#/definitions/approvals', description: 'Approvals needed when the default is require_approval.' },
    rules: { type: 'array', maxItems: 50, items: { $ref: '#/definitions/rule' } },
  },
  allOf: [
    {
      if: { required: ['appliesTo'], properties: { appliesTo: { required: ['regulated'], properties: { regulated: { const: true } } } } },
      then: { properties: { default: { not: { const: 'allow' } } } },
    },
    {
      if: { required: ['default'], properties: { default: { const: 'require_approval' } } },
      then: { required: ['defaultApprovals'] },
      else: { not: { required: ['defaultApprovals'] } },
    },
  ],
  definitions: {
    effect: { type: 'string', enum: ['allow', 'require_approval', 'deny'] },
    approvals: {
      type: 'object',
      additionalProperties: false,
      required: ['count', 'groups'],
      properties: {
        count: { type: 'integer', minimum: 1, maximum: 10, description: 'Approvals needed from each listed group.' },
        groups: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'when', 'effect', 'reason'],
      properties: {
        id: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
        description: { type: 'string' },
        when: { type: ['object', 'boolean'], description: 'JSON Logic over the input document; must evaluate to true or false.' },
        effect: { $ref: '#/definitions/effect' },
        approvals: { $ref: '#/definitions/approvals' },
        reason: { type: 'string', minLength: 1, description: 'Shown to people when the rule matches.' },
      },
      if: { required: ['effect'], properties: { effect: { const: 'require_approval' } } },
      then: { required: ['approvals'] },
      else: { not: { required: ['approvals'] } },
    },
  },
} as const;

/** POLICY_TESTS_SCHEMA is the JSON Schema of policies/<name>/tests.yaml. */
export const POLICY_TESTS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gatehouse.dev/schemas/policy-tests.schema.json',
  title: 'Gatehouse policy tests',
  type: 'object',
  additionalProperties: false,
  required: ['cases'],
  properties: {
    baseInput: { type: 'object', description: 'Deep-merged under every case input (objects merge, arrays and values replace).' },
    cases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['note', 'input', 'expect'],
        properties: {
          note: { type: 'string', minLength: 1 },
          input: { type: 'object' },
          expect: {
            type: 'object',
            additionalProperties: false,
            required: ['outcome'],
            properties: {
              outcome: { type: 'string', enum: ['allow', 'require_approval', 'deny'] },
              approvals: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['group', 'count'],
                  properties: { group: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
                },
              },
              matchedRules: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const;
