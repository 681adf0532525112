import { deliveryFigures, type ProductionPromotion } from './delivery-figures';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3600 * 1000;
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();

function promotion(overrides: Partial<ProductionPromotion> & { deployments: ProductionPromotion['deployments'] }): ProductionPromotion {
  return { application: 'payments-api', state: 'DEPLOYED', changeRegisteredAt: at(100), ...overrides };
}

describe(deliveryFigures.name, () => {
  it('counts successful production deployments per week, oldest week first', () => {
    const [figures] = deliveryFigures(
      [
        promotion({ deployments: [{ status: 'SUCCEEDED', reportedAt: at(1) }] }),
        promotion({ deployments: [{ status: 'SUCCEEDED', reportedAt: at(2) }] }),
        promotion({ deployments: [{ status: 'SUCCEEDED', reportedAt: at(24 * 8) }] }),
      ],
      ['payments-api'],
      NOW,
      4,
    );
    expect(figures!.deploymentsPerWeek).toEqual([0, 0, 1, 2]);
    expect(figures!.deployments).toBe(3);
  });

  it('takes the median lead time from registration to a successful deployment', () => {
    const [figures] = deliveryFigures(
      [
        promotion({ changeRegisteredAt: at(10), deployments: [{ status: 'SUCCEEDED', reportedAt: at(8) }] }),
        promotion({ changeRegisteredAt: at(10), deployments: [{ status: 'SUCCEEDED', reportedAt: at(6) }] }),
        promotion({ changeRegisteredAt: at(30), deployments: [{ status: 'SUCCEEDED', reportedAt: at(0) }] }),
      ],
      ['payments-api'],
      NOW,
      4,
    );
    expect(figures!.leadTimeMedianMs).toBe(4 * HOUR);
  });

  it('computes the change failure rate and the time from a failure to the next success', () => {
    const [figures] = deliveryFigures(
      [
        promotion({ deployments: [{ status: 'SUCCEEDED', reportedAt: at(50) }] }),
        promotion({ state: 'FAILED', deployments: [{ status: 'STARTED', reportedAt: at(41) }, { status: 'FAILED', reportedAt: at(40) }] }),
        promotion({ deployments: [{ status: 'SUCCEEDED', reportedAt: at(37) }] }),
        promotion({ state: 'ROLLED_BACK', deployments: [{ status: 'SUCCEEDED', reportedAt: at(21) }, { status: 'ROLLED_BACK', reportedAt: at(20) }] }),
      ],
      ['payments-api'],
      NOW,
      4,
    );
    expect(figures!.changeFailureRate).toBe(0.5);
    // 40 h → 37 h restored in 3 h; the rollback at 20 h is not restored yet.
    expect(figures!.timeToRestoreMedianMs).toBe(3 * HOUR);
  });

  it('says nothing rather than zero for an application without production deployments', () => {
    const [figures] = deliveryFigures([promotion({ deployments: [] })], ['payments-api'], NOW, 4);
    expect(figures).toMatchObject({ deployments: 0, leadTimeMedianMs: null, changeFailureRate: null, timeToRestoreMedianMs: null });
  });
});
