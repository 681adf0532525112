import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { checkPolicyDocument, checkPolicyTestsDocument } from './policy-document.checker';
import type { DocumentPath, PolicyDocument, PolicyIssue, PolicyProblem } from './policy-document.model';

/** YamlSource is a parsed YAML file that can map document paths back to lines. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** Syntax errors; when there are any, `value` must not be used. */
  problems: PolicyProblem[];
  locate(issue: PolicyIssue): PolicyProblem;
}

/**
 * Parses YAML 1.2 (so `no` stays a string) with duplicate keys refused, keeping node ranges
 * so that a problem found later in the parsed value can be reported at its line.
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: PolicyProblem[] = [...document.errors, ...document.warnings].map((error) => ({
    file,
    ...position(error.pos[0]),
    reason: error.message.split('\n')[0],
  }));
  const locate = (issue: PolicyIssue): PolicyProblem => ({ file, ...position(offsetOf(document, issue.path)), reason: issue.reason });
  let value: unknown = null;
  if (problems.length === 0) {
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({ file, line: 1, column: 1, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { file, value, problems, locate };
}

/** The start offset of the deepest node on `path` that exists (the whole document at worst). */
function offsetOf(document: Document, path: DocumentPath): number {
  let node: unknown = document.contents;
  let offset = (document.contents as Node | null)?.range?.[0] ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part || String((item.key as { value?: unknown } | null)?.value) === String(part));
      if (!pair) break;
      node = pair.value;
      // A key with an empty value has no value node: point at the key.
      offset = (pair.value as Node | null)?.range?.[0] ?? (pair.key as Node | null)?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
      node = node.items[part];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

/** LoadedPolicy is one policy folder: its document when valid, and every problem found. */
export interface LoadedPolicy {
  name: string;
  dir: string;
  file: string;
  document?: PolicyDocument;
  problems: PolicyProblem[];
}

/** Reads and checks policies/<name>/policy.yaml; problems carry file, line and reason. */
export function loadPolicyFile(file: string, displayFile = file): LoadedPolicy {
  const dir = join(file, '..');
  const name = dir.split(/[\\/]/).pop() ?? '';
  const source = parseYamlSource(displayFile, readFileSync(file, 'utf8'));
  if (source.problems.length) return { name, dir, file: displayFile, problems: source.problems };
  const problems = checkPolicyDocument(source.value).map(source.locate);
  const document = source.value as PolicyDocument;
  if (problems.length === 0 && document.name !== name) {
    problems.push(source.locate({ path: ['name'], reason: `the policy is named "${document.name}" but lives in the folder "${name}"` }));
  }
  return { name, dir, file: displayFile, document: problems.length ? undefined : document, problems };
}

/** The policy folders under `root` (any folder holding a policy.yaml), or `root` itself. */
export function findPolicyFiles(root: string): string[] {
  if (existsSync(join(root, 'policy.yaml'))) return [join(root, 'policy.yaml')];
  return readdirSync(root)
    .sort()
    .map((entry) => join(root, entry, 'policy.yaml'))
    .filter((file) => existsSync(file) && statSync(file).isFile());
}

/** Loads every policy under `root`, with paths in problems relative to the working directory. */
export function loadPolicyDirectory(root: string): LoadedPolicy[] {
  return findPolicyFiles(root).map((file) => loadPolicyFile(file, relative(process.cwd(), file) || file));
}

/** Loads a tests.yaml (or reports why it cannot be used). */
export function loadTestsFile(file: string, displayFile = file): { source?: YamlSource; problems: PolicyProblem[] } {
  const source = parseYamlSource(displayFile, readFileSync(file, 'utf8'));
  if (source.problems.length) return { problems: source.problems };
  return { source, problems: checkPolicyTestsDocument(source.value).map(source.locate) };
}
