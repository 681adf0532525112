import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { LogicException, LogicExceptionCode } from '../logic/logic.exception';
import { validateLogic, type LogicLimits } from '../logic/logic.validator';
import { checkRuleVariables } from './input-variable.checker';
import { POLICY_INPUT_SCHEMA } from './policy-input.schema';
import type { DocumentPath, PolicyIssue, PolicyRule } from './policy-document.model';
import { POLICY_SCHEMA, POLICY_TESTS_SCHEMA } from './policy.schema';

/** Limits on each rule's `when`, checked when a policy is loaded or published. */
export const POLICY_LOGIC_LIMITS: LogicLimits = { maxDepth: 16, maxNodes: 400 };

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, verbose: true });
const validatePolicySchema = ajv.compile(POLICY_SCHEMA);
const validateTestsSchema = ajv.compile(POLICY_TESTS_SCHEMA);
const validateInputSchema = ajv.compile(POLICY_INPUT_SCHEMA);

/**
 * Checks a parsed policy document: the JSON Schema first, then what a schema cannot say (unique
 * rule ids, the closed operator set and size limits of every `when`, and that every variable a
 * rule reads is a field of the input document). An empty list means the policy can be compiled.
 */
export function checkPolicyDocument(value: unknown): PolicyIssue[] {
  const issues = schemaErrors(validatePolicySchema, value);
  // Rule logic is checked even when the schema failed elsewhere, so one run shows every problem.
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return issues;
  const seen = new Map<string, number>();
  rules.forEach((rule: Partial<PolicyRule> | null, index) => {
    if (typeof rule !== 'object' || rule === null || !('when' in rule)) return;
    const label = typeof rule.id === 'string' ? `rule "${rule.id}"` : `rules[${index}]`;
    const first = seen.get(String(rule.id));
    if (first !== undefined) issues.push({ path: ['rules', index, 'id'], reason: `rule id "${rule.id}" is already used by rules[${first}]` });
    else seen.set(String(rule.id), index);
    const at: DocumentPath = ['rules', index, 'when'];
    try {
      validateLogic(rule.when, POLICY_LOGIC_LIMITS);
    } catch (error) {
      if (!(error instanceof LogicException)) throw error;
      issues.push({ path: [...at, ...error.path], reason: `${label}: ${error.reason}` });
      if (error.code !== LogicExceptionCode.UnknownOperator) return;
    }
    for (const issue of checkRuleVariables(rule.when, POLICY_INPUT_SCHEMA, at)) {
      issues.push({ path: issue.path, reason: `${label}: ${issue.reason}` });
    }
  });
  return issues;
}

/** Checks a parsed tests.yaml against its schema. */
export function checkPolicyTestsDocument(value: unknown): PolicyIssue[] {
  return schemaErrors(validateTestsSchema, value);
}

/** Checks an input document against the input schema (used for test inputs and by callers). */
export function checkPolicyInput(value: unknown): PolicyIssue[] {
  return schemaErrors(validateInputSchema, value);
}

function schemaErrors(validate: ValidateFunction, value: unknown): PolicyIssue[] {
  if (validate(value)) return [];
  // `if` only says that a `then` failed; the failure itself is reported separately.
  return (validate.errors ?? []).filter((error) => error.keyword !== 'if').map(describeSchemaError);
}

function describeSchemaError(error: ErrorObject): PolicyIssue {
  const path: DocumentPath = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
  const where = path.length ? `\`${path.join('.')}\`` : 'the document';
  const last = path[path.length - 1];
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(error.params.additionalProperty);
      const known = Object.keys(knownProperties(error.parentSchema));
      const suggestion = known.length ? closest(extra, known) : '';
      const hint = suggestion && distance(extra, suggestion) <= Math.max(2, Math.floor(extra.length / 3)) ? `; did you mean \`${suggestion}\`?` : '';
      return { path: [...path, extra], reason: `\`${extra}\` is not allowed in ${where}${hint}` };
    }
    case 'required':
      return { path, reason: `${where} must have \`${String(error.params.missingProperty)}\`` };
    case 'not':
      if (last === 'default') return { path, reason: 'default may not be allow for a policy that applies to regulated environments (appliesTo.regulated: true): it must fail closed' };
      if (path.length === 0) return { path: ['defaultApprovals'], reason: '`defaultApprovals` is only allowed when default is require_approval' };
      return { path: [...path, 'approvals'], reason: '`approvals` is only allowed on a rule whose effect is require_approval' };
    case 'enum':
      return { path, reason: `${where} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
    default:
      return { path, reason: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function knownProperties(schema: unknown): Record<string, unknown> {
  return (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
}
