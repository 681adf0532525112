import type { CompiledPolicy } from '../decision/compiled-policy';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { SimulationTally, type SimulationSummary, type StoredDecision } from './simulation.tally';

/**
 * Replays a candidate policy over stored decisions (in batches, as they are read) and tallies
 * what would change. Evaluation is untraced: decisions with the same matched rules are shared.
 */
export async function replayDecisions(
  candidate: CompiledPolicy,
  batches: AsyncIterable<readonly StoredDecision[]> | Iterable<readonly StoredDecision[]>,
  sampleLimit = 100,
): Promise<SimulationSummary> {
  const tally = new SimulationTally(sampleLimit);
  for await (const batch of batches) {
    for (const stored of batch) tally.add(stored, evaluatePolicy(candidate, stored.input));
  }
  return tally.summary();
}
