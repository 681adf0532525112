/** One production promotion as the delivery figures need it. */
export interface ProductionPromotion {
  application: string;
  state: string;
  changeRegisteredAt: string;
  deployments: { status: string; reportedAt: string }[];
}

/** DeliveryFigures are DORA-style figures of one application over a period. */
export interface DeliveryFigures {
  application: string;
  deploymentsPerWeek: number[];
  deployments: number;
  leadTimeMedianMs: number | null;
  changeFailureRate: number | null;
  timeToRestoreMedianMs: number | null;
}

const WEEK = 7 * 24 * 3600 * 1000;

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Computes, per application, from its promotions into production over `weeks` weeks up to `now`:
 * deployment frequency (successful deployments per week), lead time (change registered →
 * deployment succeeded, median), change failure rate (failed or rolled back / all that reached
 * a result) and time to restore (a failure → the next success, median).
 */
export function deliveryFigures(promotions: ProductionPromotion[], applications: string[], now: number, weeks: number): DeliveryFigures[] {
  return applications.map((application) => {
    const own = promotions.filter((p) => p.application === application);
    const perWeek = new Array<number>(weeks).fill(0);
    const leadTimes: number[] = [];
    const outcomes: { at: number; ok: boolean }[] = [];
    for (const p of own) {
      const success = p.deployments.find((d) => d.status === 'SUCCEEDED');
      const failure = p.deployments.find((d) => d.status === 'FAILED' || d.status === 'ROLLED_BACK');
      if (success) {
        const at = Date.parse(success.reportedAt);
        const week = Math.floor((now - at) / WEEK);
        if (week >= 0 && week < weeks) perWeek[weeks - 1 - week]! += 1;
        leadTimes.push(at - Date.parse(p.changeRegisteredAt));
      }
      if (failure) outcomes.push({ at: Date.parse(failure.reportedAt), ok: false });
      else if (success) outcomes.push({ at: Date.parse(success.reportedAt), ok: true });
    }
    outcomes.sort((a, b) => a.at - b.at);
    const restores: number[] = [];
    let failedAt: number | null = null;
    for (const outcome of outcomes) {
      if (!outcome.ok && failedAt === null) failedAt = outcome.at;
      if (outcome.ok && failedAt !== null) {
        restores.push(outcome.at - failedAt);
        failedAt = null;
      }
    }
    const failures = outcomes.filter((o) => !o.ok).length;
    return {
      application,
      deploymentsPerWeek: perWeek,
      deployments: perWeek.reduce((a, b) => a + b, 0),
      leadTimeMedianMs: median(leadTimes),
      changeFailureRate: outcomes.length ? failures / outcomes.length : null,
      timeToRestoreMedianMs: median(restores),
    };
  });
}
