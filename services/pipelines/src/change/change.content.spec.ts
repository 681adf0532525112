import { changeContentDifferences, changeContentHash, changeContentOf } from './change.content';
import type { RegisterChangeInput } from './dto/register-change.input';

function registration(overrides: Partial<RegisterChangeInput> = {}): RegisterChangeInput {
  return {
    application: 'payments-api',
    version: '1.4.2',
    commits: [{ sha: 'a1b2c3d4', author: 'alice', message: 'Add ledger export' }],
    artifactDigest: `sha256:${'a'.repeat(64)}`,
    title: 'Ledger export',
    ticket: 'CHG-1',
    labels: ['hotfix', 'api'],
    changedPaths: ['payments/ledger.ts', 'README.md'],
    linesAdded: 10,
    linesRemoved: 2,
    ...overrides,
  };
}

describe(changeContentOf.name, () => {
  it('treats labels and changed paths as sets and an omitted ticket as null', () => {
    const content = changeContentOf(registration({ labels: ['b', 'a', 'b'], changedPaths: ['z', 'a'], ticket: undefined }));
    expect(content).toMatchObject({ labels: ['a', 'b'], changedPaths: ['a', 'z'], ticket: null });
  });

  it('keeps the commit order: the head stays first', () => {
    const commits = [
      { sha: 'bbbbbbb', author: 'bob', message: 'second' },
      { sha: 'aaaaaaa', author: 'alice', message: 'first' },
    ];
    expect(changeContentOf(registration({ commits })).commits.map((c) => c.sha)).toEqual(['bbbbbbb', 'aaaaaaa']);
  });
});

describe(changeContentHash.name, () => {
  it('gives equal content an equal hash whatever the order of labels and paths', () => {
    const one = changeContentHash(changeContentOf(registration()));
    const two = changeContentHash(changeContentOf(registration({ labels: ['api', 'hotfix', 'api'], changedPaths: ['README.md', 'payments/ledger.ts'] })));
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two).toBe(one);
  });

  it('changes when any content field changes', () => {
    const base = changeContentHash(changeContentOf(registration()));
    expect(changeContentHash(changeContentOf(registration({ linesAdded: 11 })))).not.toBe(base);
    expect(changeContentHash(changeContentOf(registration({ ticket: null })))).not.toBe(base);
  });
});

describe(changeContentDifferences.name, () => {
  it('names exactly the fields that differ', () => {
    const stored = changeContentOf(registration());
    const offered = changeContentOf(registration({ title: 'Other', commits: [{ sha: 'a1b2c3d4', author: 'mallory', message: 'Add ledger export' }] }));
    expect(changeContentDifferences(stored, offered)).toEqual(['commits', 'title']);
    expect(changeContentDifferences(stored, stored)).toEqual([]);
  });
});
