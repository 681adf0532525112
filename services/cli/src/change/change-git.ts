import { execFileSync } from 'node:child_process';
import { UsageError } from '../client/command-output';

/** CommitSpec is one commit of a change, as CommitInput takes it. */
export interface CommitSpec {
  sha: string;
  author: string;
  message: string;
}

/** GitChange is what `--from-git` reads: the last commits (head first) and what they touched. */
export interface GitChange {
  commits: CommitSpec[];
  changedPaths: string[];
  linesAdded: number;
  linesRemoved: number;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * Reads the last `count` commits in `cwd` with `git log`: sha, author (the local part of the
 * author's email, which is what most teams' usernames are) and subject; and, from --numstat,
 * the paths they touch and the lines added and removed (binary files count no lines).
 */
export function readGitChange(count: number, cwd: string = process.cwd()): GitChange {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new UsageError(`--from-git: git ${args[0]} failed in ${cwd}${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const log = git(['log', `-n${count}`, `--format=${RECORD}%H${FIELD}%al${FIELD}%s`, '--numstat']);
  return parseGitLog(log);
}

/** Parses the output of `git log --format=<RS>%H<US>%al<US>%s --numstat`. */
export function parseGitLog(log: string): GitChange {
  const commits: CommitSpec[] = [];
  const paths = new Set<string>();
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const record of log.split(RECORD).slice(1)) {
    const [header = '', ...stats] = record.split('\n');
    const [sha = '', author = '', message = ''] = header.split(FIELD);
    commits.push({ sha, author, message });
    for (const line of stats) {
      const [added, removed, path] = line.split('\t');
      if (path === undefined) continue;
      paths.add(path);
      linesAdded += Number(added) || 0;
      linesRemoved += Number(removed) || 0;
    }
  }
  if (!commits.length) throw new UsageError('--from-git: git log found no commits');
  return { commits, changedPaths: [...paths].sort(), linesAdded, linesRemoved };
}

/** Parses `--commit sha:author:message` (the message may itself hold colons). */
export function parseCommitSpec(spec: string): CommitSpec {
  const first = spec.indexOf(':');
  const second = first < 0 ? -1 : spec.indexOf(':', first + 1);
  if (first <= 0 || second < 0 || second === first + 1 || second === spec.length - 1) {
    throw new UsageError(`--commit ${spec}: expected sha:author:message`);
  }
  return { sha: spec.slice(0, first), author: spec.slice(first + 1, second), message: spec.slice(second + 1) };
}
