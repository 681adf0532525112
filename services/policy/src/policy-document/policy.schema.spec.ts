import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_INPUT_SCHEMA } from './policy-input.schema';
import { POLICY_SCHEMA, POLICY_TESTS_SCHEMA } from './policy.schema';

const POLICIES = join(__dirname, '../../../../policies');

// Editors read the JSON copies in policies/; the loader uses the objects. They must not drift.
describe('policy schemas', () => {
  it.each([
    ['policy.schema.json', POLICY_SCHEMA],
    ['policy-tests.schema.json', POLICY_TESTS_SCHEMA],
    ['input.schema.json', POLICY_INPUT_SCHEMA],
  ])('policies/%s equals the schema the loader uses', (file, schema) => {
    expect(JSON.parse(readFileSync(join(POLICIES, file), 'utf8'))).toEqual(schema);
  });
});
