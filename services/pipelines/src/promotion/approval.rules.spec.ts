import { eligibilityOf, mergeRequirements, tallyApprovals } from './approval.rules';

const duties = { authors: ['alice', 'Bob@Example.com'], requesterId: 'u-req', registeredBy: 'u-reg' };
const need = [
  { group: 'payments-leads', count: 2 },
  { group: 'cab', count: 1 },
];

describe('eligibilityOf', () => {
  it('refuses an author even when they are in a required group', () => {
    const result = eligibilityOf({ userId: 'u-a', username: 'alice', groups: ['payments-leads'] }, need, duties);
    expect(result).toMatchObject({ eligible: false, reason: 'AUTHOR', explanation: 'you authored a commit of this change' });
  });

  it('compares authors without regard to case', () => {
    expect(eligibilityOf({ userId: 'u-b', username: 'bob@example.com', groups: ['cab'] }, need, duties).reason).toBe('AUTHOR');
  });

  it('refuses the requester and the registrar', () => {
    expect(eligibilityOf({ userId: 'u-req', username: 'r', groups: ['cab'] }, need, duties).reason).toBe('REQUESTER');
    expect(eligibilityOf({ userId: 'u-reg', username: 'g', groups: ['cab'] }, need, duties).reason).toBe('REGISTRAR');
  });

  it('refuses someone outside every required group and names the groups', () => {
    const result = eligibilityOf({ userId: 'u-x', username: 'x', groups: ['other'] }, need, duties);
    expect(result.reason).toBe('NOT_IN_REQUIRED_GROUP');
    expect(result.explanation).toContain('payments-leads, cab');
  });

  it('refuses everyone when nothing is required', () => {
    expect(eligibilityOf({ userId: 'u-x', username: 'x', groups: ['cab'] }, [], duties).reason).toBe('NOTHING_TO_APPROVE');
  });

  it('accepts a member of a required group and says which groups they count for', () => {
    const result = eligibilityOf({ userId: 'u-l', username: 'lead', groups: ['cab', 'payments-leads', 'x'] }, need, duties);
    expect(result).toMatchObject({ eligible: true, reason: null, groups: ['payments-leads', 'cab'] });
  });
});

describe('tallyApprovals', () => {
  it('needs different people for different seats: two people in both groups do not satisfy three seats', () => {
    const tally = tallyApprovals(need, [
      { voter: 'l1', groups: ['payments-leads', 'cab'] },
      { voter: 'l2', groups: ['payments-leads', 'cab'] },
    ]);
    expect(tally.satisfied).toBe(false);
    expect(tally.progress.reduce((n, p) => n + p.approvers.length, 0)).toBe(2);
  });

  it('finds the assignment that satisfies everything when one exists', () => {
    // A greedy pass would seat l1 in cab first and then fail payments-leads; matching reassigns.
    const tally = tallyApprovals(
      [
        { group: 'cab', count: 1 },
        { group: 'payments-leads', count: 2 },
      ],
      [
        { voter: 'l1', groups: ['cab', 'payments-leads'] },
        { voter: 'l2', groups: ['payments-leads'] },
        { voter: 'c', groups: ['cab'] },
      ],
    );
    expect(tally.satisfied).toBe(true);
    expect(tally.progress).toEqual([
      { group: 'cab', required: 1, approvers: ['c'] },
      { group: 'payments-leads', required: 2, approvers: ['l1', 'l2'] },
    ]);
  });

  it('counts one person once however often they approve', () => {
    const tally = tallyApprovals([{ group: 'cab', count: 2 }], [
      { voter: 'c', groups: ['cab'] },
      { voter: 'c', groups: ['cab'] },
    ]);
    expect(tally.satisfied).toBe(false);
    expect(tally.progress[0]!.approvers).toEqual(['c']);
  });

  it('is satisfied by nothing when nothing is required', () => {
    expect(tallyApprovals([], []).satisfied).toBe(true);
  });
});

describe('mergeRequirements', () => {
  it('adds up counts of the same group', () => {
    expect(mergeRequirements([{ group: 'a', count: 1 }, { group: 'b', count: 1 }, { group: 'a', count: 2 }])).toEqual([
      { group: 'a', count: 3 },
      { group: 'b', count: 1 },
    ]);
  });
});
