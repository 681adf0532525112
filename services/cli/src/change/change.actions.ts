import { guarded, printJson, UsageError, type CommandOutput } from '../client/command-output';
import { graphql, resolveServer, type ServerFlags } from '../client/gatehouse-client';
import { parseCommitSpec, readGitChange, type CommitSpec } from './change-git';

const REGISTER = `mutation RegisterChange($input: RegisterChangeInput!) {
  registerChange(input: $input) { id application version sha title ticket artifactDigest contentHash labels changedPaths linesAdded linesRemoved registeredBy createdAt commits { sha author message } } }`;

/** Options of `gatehouse change register`. */
export interface ChangeRegisterOptions extends ServerFlags {
  app: string;
  version: string;
  artifactDigest: string;
  title: string;
  commit?: string[];
  /** Read the last N commits (and their paths and line counts) from git in `cwd`. */
  fromGit?: number;
  ticket?: string;
  label?: string[];
  path?: string[];
  linesAdded?: number;
  linesRemoved?: number;
  json?: boolean;
}

/** Registers a change and prints its id (alone, so `CHANGE=$(gatehouse change register ...)` works). */
export async function changeRegisterAction(options: ChangeRegisterOptions, output: CommandOutput, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<number> {
  return guarded(output, options.json, async () => {
    const input = changeInput(options, cwd);
    const { registerChange: change } = await graphql<{ registerChange: { id: string } }>(resolveServer(options, env), REGISTER, { input });
    if (options.json) printJson(output, change);
    else output.out(`${change.id}\n`);
    return 0;
  });
}

/** Builds RegisterChangeInput: explicit --commit/--path/--lines-* win over what --from-git read. */
export function changeInput(options: ChangeRegisterOptions, cwd: string): Record<string, unknown> {
  const explicit: CommitSpec[] = (options.commit ?? []).map(parseCommitSpec);
  if (explicit.length && options.fromGit) throw new UsageError('give --commit or --from-git, not both');
  const git = options.fromGit ? readGitChange(options.fromGit, cwd) : undefined;
  const commits = git?.commits ?? explicit;
  if (!commits.length) throw new UsageError('give the commits: --commit sha:author:message (head first) or --from-git');
  return {
    application: options.app,
    version: options.version,
    artifactDigest: options.artifactDigest,
    title: options.title,
    ticket: options.ticket,
    commits,
    labels: options.label ?? [],
    changedPaths: options.path?.length ? options.path : (git?.changedPaths ?? []),
    linesAdded: options.linesAdded ?? git?.linesAdded ?? 0,
    linesRemoved: options.linesRemoved ?? git?.linesRemoved ?? 0,
  };
}

/** Parses a count that must be a whole number ≥ 0 (commander argument parser). */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(count)) throw new UsageError(`not a whole number: ${value}`);
  return count;
}
