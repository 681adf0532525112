import type { Decision } from '../decision/decision.model';
import { approvalsKey, SimulationTally, transitionLabel, type StoredDecision } from './simulation.tally';

function stored(overrides: Partial<StoredDecision> = {}): StoredDecision {
  return { id: '1', application: 'payments-hub', environment: 'prod', outcome: 'require_approval', approvals: [{ group: 'release-managers', count: 1 }], input: {}, decidedAt: new Date(0), ...overrides };
}

function decision(overrides: Partial<Decision> = {}): Decision {
  return { outcome: 'require_approval', approvals: [{ group: 'release-managers', count: 1 }], matchedRules: [], explanation: [], errors: [], basis: 'default', policy: { name: 'production', version: 2, hash: 'h' }, ...overrides };
}

describe(SimulationTally.name, () => {
  describe('add', () => {
    it('treats the same approvals in another order as unchanged', () => {
      const tally = new SimulationTally();
      const approvals = [{ group: 'a', count: 1 }, { group: 'b', count: 2 }];
      tally.add(stored({ approvals }), decision({ approvals: [...approvals].reverse() }));
      expect(tally.summary()).toMatchObject({ total: 1, changed: 0 });
    });

    it('names a change of approvers with the same quorum', () => {
      const tally = new SimulationTally();
      tally.add(stored(), decision({ approvals: [{ group: 'change-advisory-board', count: 1 }] }));
      expect(tally.summary().transitions).toEqual([{ label: 'approvers release-managers×1 → change-advisory-board×1', fromOutcome: 'require_approval', toOutcome: 'require_approval', fromQuorum: 1, toQuorum: 1, count: 1 }]);
    });
  });
});

describe(transitionLabel.name, () => {
  it('says outcome changes the way people do', () => {
    expect(transitionLabel('allow', '', 0, 'require_approval', 'x×1', 1)).toBe('auto → approval');
    expect(transitionLabel('require_approval', 'x×1', 1, 'deny', '', 0)).toBe('approval → deny');
    expect(transitionLabel('require_approval', 'x×1', 1, 'require_approval', 'x×2', 2)).toBe('quorum 1 → 2');
  });
});

describe(approvalsKey.name, () => {
  it('is independent of group order', () => {
    expect(approvalsKey([{ group: 'b', count: 1 }, { group: 'a', count: 2 }])).toBe(approvalsKey([{ group: 'a', count: 2 }, { group: 'b', count: 1 }]));
  });
});
