import { checkRuleVariables } from './input-variable.checker';
import { POLICY_INPUT_SCHEMA } from './policy-input.schema';

const check = (rule: unknown) => checkRuleVariables(rule, POLICY_INPUT_SCHEMA, ['when']).map((issue) => issue.reason);

describe(checkRuleVariables.name, () => {
  it('accepts fields of the input, array indexes, lengths and named checks', () => {
    expect(check({ and: [{ var: 'change.risk' }, { var: 'change.paths.0' }, { var: 'change.paths.length' }, { var: 'evidence.checks.sast' }] })).toEqual([]);
  });

  it('suggests the closest field', () => {
    expect(check({ '!': { var: 'evidence.test.passed' } })).toEqual(['`evidence.test.passed` is not a field of the input; did you mean `evidence.tests.passed`?']);
  });

  it('checks the element scope of some/all/none/filter/map', () => {
    expect(check({ some: [{ var: 'change.paths' }, { in: ['payments/', { var: '' }] }] })).toEqual([]);
    expect(check({ some: [{ var: 'change.paths' }, { var: 'name' }] })).toEqual(['`name` is not a field of the elements of `change.paths`']);
  });

  it('checks reduce steps and missing keys', () => {
    expect(check({ reduce: [{ var: 'change.authors' }, { cat: [{ var: 'accumulator' }, { var: 'current' }] }, ''] })).toEqual([]);
    expect(check({ missing: ['change.ticket', 'change.tiket'] })).toEqual(['`change.tiket` is not a field of the input; did you mean `change.ticket`?']);
    expect(check({ missing_some: [1, ['change.ticket', 'window.frozn']] })).toEqual(['`window.frozn` is not a field of the input; did you mean `window.frozen`?']);
  });

  it('refuses computed variable names, which cannot be checked', () => {
    expect(check({ var: { cat: ['change.', 'risk'] } })).toEqual(['a variable name must be a literal string so it can be checked against the input']);
  });
});
