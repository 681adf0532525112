import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeInput, parseCount, type ChangeRegisterOptions } from './change.actions';
import { parseCommitSpec, parseGitLog, readGitChange } from './change-git';

/** A throwaway repository with two commits by ana@example.com. */
function gitRepository(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-git-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ana', '-c', 'user.email=ana@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });
  git('init', '-q');
  writeFileSync(join(cwd, 'README.md'), 'payments\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Start the payments service');
  writeFileSync(join(cwd, 'README.md'), 'payments api\nwith refunds\n');
  writeFileSync(join(cwd, 'refunds.ts'), 'export const refunds = true;\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Add refunds: partial and full');
  return cwd;
}

const base: ChangeRegisterOptions = { app: 'payments-api', version: '1.4.2', artifactDigest: `sha256:${'ab'.repeat(32)}`, title: 'Refunds' };

describe(parseCommitSpec.name, () => {
  it('keeps colons in the message', () => {
    expect(parseCommitSpec('9f8e7d6c:ana:fix: refunds round half even')).toEqual({ sha: '9f8e7d6c', author: 'ana', message: 'fix: refunds round half even' });
  });

  it('refuses a spec without author or message', () => {
    expect(() => parseCommitSpec('9f8e7d6c')).toThrow('--commit 9f8e7d6c: expected sha:author:message');
    expect(() => parseCommitSpec('9f8e7d6c::message')).toThrow(/expected sha:author:message/);
    expect(() => parseCommitSpec('9f8e7d6c:ana:')).toThrow(/expected sha:author:message/);
  });
});

describe(parseGitLog.name, () => {
  it('sums numstat lines, counts binary files as no lines and sorts paths', () => {
    const log = '\x1eaaaaaaa\x1fana\x1fsecond\n\n3\t1\tsrc/b.ts\n-\t-\tlogo.png\n\x1ebbbbbbb\x1fbo\x1ffirst\n\n2\t0\tsrc/a.ts\n';
    expect(parseGitLog(log)).toEqual({
      commits: [
        { sha: 'aaaaaaa', author: 'ana', message: 'second' },
        { sha: 'bbbbbbb', author: 'bo', message: 'first' },
      ],
      changedPaths: ['logo.png', 'src/a.ts', 'src/b.ts'],
      linesAdded: 5,
      linesRemoved: 1,
    });
  });
});

describe(readGitChange.name, () => {
  it('reads the last commits head first, with their paths and line counts', () => {
    const change = readGitChange(2, gitRepository());
    expect(change.commits.map((commit) => [commit.author, commit.message])).toEqual([
      ['ana', 'Add refunds: partial and full'],
      ['ana', 'Start the payments service'],
    ]);
    expect(change.commits[0]!.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(change.changedPaths).toEqual(['README.md', 'refunds.ts']);
    expect(change).toMatchObject({ linesAdded: 4, linesRemoved: 1 });
  });

  it('says where git failed outside a repository', () => {
    expect(() => readGitChange(1, mkdtempSync(join(tmpdir(), 'gatehouse-nogit-')))).toThrow(/^--from-git: git log failed in .+: fatal: not a git repository/);
  });
});

describe(changeInput.name, () => {
  it('builds the input from --commit flags with defaults for the rest', () => {
    expect(changeInput({ ...base, commit: ['abc1234:ana:Refunds'], label: ['hotfix'] }, tmpdir())).toEqual({
      application: 'payments-api',
      version: '1.4.2',
      artifactDigest: `sha256:${'ab'.repeat(32)}`,
      title: 'Refunds',
      ticket: undefined,
      commits: [{ sha: 'abc1234', author: 'ana', message: 'Refunds' }],
      labels: ['hotfix'],
      changedPaths: [],
      linesAdded: 0,
      linesRemoved: 0,
    });
  });

  it('lets explicit paths and line counts win over what git read', () => {
    const input = changeInput({ ...base, fromGit: 1, path: ['src/refunds.ts'], linesAdded: 10 }, gitRepository());
    expect(input).toMatchObject({ changedPaths: ['src/refunds.ts'], linesAdded: 10, linesRemoved: 1 });
    expect(input.commits).toEqual([expect.objectContaining({ author: 'ana', message: 'Add refunds: partial and full' })]);
  });

  it('wants commits, from one source only', () => {
    expect(() => changeInput(base, tmpdir())).toThrow('give the commits: --commit sha:author:message (head first) or --from-git');
    expect(() => changeInput({ ...base, commit: ['abc1234:ana:x'], fromGit: 1 }, tmpdir())).toThrow('give --commit or --from-git, not both');
  });
});

describe(parseCount.name, () => {
  it('takes whole numbers only', () => {
    expect(parseCount('42')).toBe(42);
    expect(() => parseCount('-1')).toThrow('not a whole number: -1');
    expect(() => parseCount('1.5')).toThrow('not a whole number: 1.5');
  });
});
