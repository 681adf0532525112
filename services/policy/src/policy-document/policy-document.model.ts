/** Effect is what a rule (or a policy's default) decides. */
export type Effect = 'allow' | 'require_approval' | 'deny';

/** How restrictive each effect is: the highest rank among matching rules wins. */
export const EFFECT_RANK: Readonly<Record<Effect, number>> = { allow: 0, require_approval: 1, deny: 2 };

/** ApprovalRule asks for `count` approvals from each of `groups`. */
export interface ApprovalRule {
  count: number;
  groups: string[];
}

/** PolicyRule is one rule of a policy: when its JSON Logic is true, its effect applies. */
export interface PolicyRule {
  id: string;
  description?: string;
  when: unknown;
  effect: Effect;
  approvals?: ApprovalRule;
  reason: string;
}

/** PolicyScope says which environments a policy may be activated for. */
export interface PolicyScope {
  environments: string[];
  /** True when the policy may govern regulated environments; its default then cannot be allow. */
  regulated?: boolean;
}

/** PolicyDocument is the parsed content of policies/<name>/policy.yaml. */
export interface PolicyDocument {
  name: string;
  version: number;
  description?: string;
  appliesTo: PolicyScope;
  default: Effect;
  defaultApprovals?: ApprovalRule;
  rules: PolicyRule[];
}

/** A location inside a document: object keys and array indexes from the root. */
export type DocumentPath = ReadonlyArray<string | number>;

/** PolicyIssue is one reason a document is refused, located by its path in the document. */
export interface PolicyIssue {
  path: DocumentPath;
  reason: string;
}

/** PolicyProblem is a PolicyIssue located in a file, for people: `file:line:column: reason`. */
export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  reason: string;
}

/** Renders a problem the way compilers do, so editors and CI annotate the right line. */
export function formatPolicyProblem(problem: PolicyProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.reason}`;
}
