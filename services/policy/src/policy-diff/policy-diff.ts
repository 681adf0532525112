import { canonicalJson } from '@gatehouse/shared';
import type { PolicyDocument, PolicyRule } from '../policy-document/policy-document.model';

/** RuleChange is a rule present in both versions whose content differs; `fields` names what changed. */
export interface RuleChange {
  id: string;
  fields: string[];
  before: PolicyRule;
  after: PolicyRule;
}

/** PolicyDocumentDiff is what changed between two policy documents, rule by rule (rules are matched by id). */
export interface PolicyDocumentDiff {
  added: PolicyRule[];
  removed: PolicyRule[];
  changed: RuleChange[];
  /** Top-level settings that differ: description, appliesTo, default, defaultApprovals. */
  settingsChanged: string[];
  /** True when the rules kept are in another order (order decides the order of matchedRules only). */
  reordered: boolean;
}

const RULE_FIELDS: readonly (keyof PolicyRule)[] = ['description', 'when', 'effect', 'approvals', 'reason'];
const SETTINGS: readonly (keyof PolicyDocument)[] = ['description', 'appliesTo', 'default', 'defaultApprovals'];

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** Compares two policy documents: rules added, removed and changed (with the changed fields), and changed settings. */
export function diffPolicyDocuments(from: PolicyDocument, to: PolicyDocument): PolicyDocumentDiff {
  const before = new Map(from.rules.map((rule) => [rule.id, rule]));
  const after = new Map(to.rules.map((rule) => [rule.id, rule]));
  const changed: RuleChange[] = [];
  for (const rule of to.rules) {
    const old = before.get(rule.id);
    if (!old) continue;
    const fields = RULE_FIELDS.filter((field) => !same(old[field], rule[field]));
    if (fields.length) changed.push({ id: rule.id, fields, before: old, after: rule });
  }
  const keptBefore = from.rules.filter((rule) => after.has(rule.id)).map((rule) => rule.id);
  const keptAfter = to.rules.filter((rule) => before.has(rule.id)).map((rule) => rule.id);
  return {
    added: to.rules.filter((rule) => !before.has(rule.id)),
    removed: from.rules.filter((rule) => !after.has(rule.id)),
    changed,
    settingsChanged: SETTINGS.filter((field) => !same(from[field], to[field])),
    reordered: keptBefore.join('\n') !== keptAfter.join('\n'),
  };
}
