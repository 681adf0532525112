import { isDeepStrictEqual } from 'node:util';
import jsonLogic from 'json-logic-js';
import { compileLogic } from './logic.compiler';
import { LogicFuzzer } from './logic.fuzzer';
import { interpretLogic } from './logic.interpreter';

type Outcome = { value: unknown } | { threw: true };

function attempt(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch {
    return { threw: true };
  }
}

/** Compares one rule on several inputs against json-logic-js; returns the disagreements. */
function differential(fuzzer: LogicFuzzer, rules: number, inputsPerRule: number): { pairs: number; failures: string[] } {
  const failures: string[] = [];
  let pairs = 0;
  for (let r = 0; r < rules; r += 1) {
    const rule = fuzzer.rule();
    const compiled = compileLogic(rule);
    for (let i = 0; i < inputsPerRule; i += 1) {
      const data = fuzzer.data();
      pairs += 1;
      const expected = attempt(() => jsonLogic.apply(rule as jsonLogic.RulesLogic, data));
      for (const [name, actual] of [['compiled', attempt(() => compiled(data))], ['interpreted', attempt(() => interpretLogic(rule, data))]] as const) {
        if (!isDeepStrictEqual(actual, expected) && failures.length < 10) {
          failures.push(`${name}: ${JSON.stringify(rule)} on ${JSON.stringify(data)}: got ${show(actual)}, json-logic-js ${show(expected)}`);
        }
      }
    }
  }
  return { pairs, failures };
}

function show(outcome: Outcome): string {
  return 'threw' in outcome ? 'an exception' : JSON.stringify(outcome.value) ?? 'undefined';
}

describe('compileLogic against json-logic-js (differential fuzz)', () => {
  it('agrees on 6,000 seeded random rule x input pairs', () => {
    const { pairs, failures } = differential(new LogicFuzzer(20261126), 1500, 4);
    expect(pairs).toBeGreaterThanOrEqual(5000);
    expect(failures).toEqual([]);
  });

  it('agrees on a second seed with deeper rules', () => {
    const fuzzer = new LogicFuzzer(7);
    const { failures } = differential(fuzzer, 500, 2);
    expect(failures).toEqual([]);
  });
});
