import { checkPolicyDocument, checkPolicyInput } from '../policy-document/policy-document.checker';
import { parseYamlSource } from '../policy-document/policy-document.loader';
import type { DocumentPath, PolicyDocument } from '../policy-document/policy-document.model';
import { PolicyStoreErrorReason, PolicyStoreException, type DocumentProblem } from './policy.exception';

/** Renders a document path the way people write it: `rules[2].when`. */
export function formatDocumentPath(path: DocumentPath): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

/**
 * Parses a policy from its text (YAML, or JSON, which is YAML too) and checks it; throws
 * INVALID_POLICY_DOCUMENT listing every problem with its path, line and column.
 */
export function parsePolicySource(text: string, sourceName: string, field = 'input.document'): PolicyDocument {
  const source = parseYamlSource(sourceName, text);
  const problems: DocumentProblem[] = source.problems.map((problem) => ({ path: '(document)', line: problem.line, column: problem.column, message: problem.reason }));
  if (problems.length === 0) {
    for (const issue of checkPolicyDocument(source.value)) {
      const located = source.locate(issue);
      problems.push({ path: formatDocumentPath(issue.path) || '(document)', line: located.line, column: located.column, message: issue.reason });
    }
  }
  if (problems.length) throw invalidDocument(problems, sourceName, field);
  return source.value as PolicyDocument;
}

function invalidDocument(problems: DocumentProblem[], sourceName: string, field: string): PolicyStoreException {
  const lines = problems.map((problem) => `${sourceName}:${problem.line}:${problem.column}: ${problem.message}`);
  return new PolicyStoreException(
    PolicyStoreErrorReason.INVALID_POLICY_DOCUMENT,
    `The policy document has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    {
      problems,
      fields: problems.map((problem) => ({ path: problem.path === '(document)' ? field : `${field}.${problem.path}`, message: `line ${problem.line}, column ${problem.column}: ${problem.message}` })),
    },
  );
}

/** Checks an input document against the input schema; throws INVALID_POLICY_INPUT with every offending field. */
export function assertPolicyInput(input: unknown, field = 'input.input'): void {
  const issues = checkPolicyInput(input);
  if (issues.length === 0) return;
  const fields = issues.map((issue) => ({ path: issue.path.length ? `${field}.${formatDocumentPath(issue.path)}` : field, message: issue.reason }));
  throw new PolicyStoreException(
    PolicyStoreErrorReason.INVALID_POLICY_INPUT,
    `The input document is not valid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    { fields },
  );
}
