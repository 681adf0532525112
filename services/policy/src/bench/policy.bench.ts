/**
 * Policy benchmark: `node services/policy/dist/bench/policy.bench.js` after
 * `npx nx run policy:build`. Decides 1,000,000 varied inputs with the shipped production
 * policy four ways (Gatehouse's compiled evaluator, json-logic-js `apply`, json-logic-engine
 * `build`, a hand-written function; all produce the same Decision), then runs a differential
 * fuzz of 1,000,000 random rule x input pairs against json-logic-js. Env: BENCH_DECISIONS,
 * BENCH_FUZZ_PAIRS, BENCH_CHUNK, POLICIES_DIR. Exits 1 when evaluators disagree, never on timing alone.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import jsonLogic from 'json-logic-js';
import { LogicEngine } from 'json-logic-engine';
import { compilePolicy, type CompiledPolicy } from '../decision/compiled-policy';
import type { Decision } from '../decision/decision.model';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { compileLogic } from '../logic/logic.compiler';
import { LogicFuzzer } from '../logic/logic.fuzzer';
import { interpretLogic } from '../logic/logic.interpreter';
import { canonicalJson } from '../policy-document/policy-content.hash';
import { loadPolicyFile } from '../policy-document/policy-document.loader';
import { formatPolicyProblem } from '../policy-document/policy-document.model';
import { ProductionInputGenerator } from './production-input.generator';
import { handWrittenProduction, handWrittenProductionMask, referenceDecision } from './production.hand-written';

type Evaluator = { name: string; decide: (input: unknown) => Decision };

const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 1_000_000);
const FUZZ_PAIRS = Number(process.env.BENCH_FUZZ_PAIRS ?? 1_000_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 1_000);

/** Rule-by-rule evaluation with a third-party engine, combined exactly like Gatehouse. */
function viaRuleFunctions(policy: CompiledPolicy, tests: ReadonlyArray<(input: unknown) => unknown>): (input: unknown) => Decision {
  return (input) => {
    const matched: number[] = [];
    for (let i = 0; i < tests.length; i += 1) {
      let result: unknown;
      try {
        result = tests[i](input);
      } catch {
        return evaluatePolicy(policy, input, { trace: true });
      }
      if (result === true) matched.push(i);
      else if (result !== false) return evaluatePolicy(policy, input, { trace: true });
    }
    return referenceDecision(policy, matched);
  };
}

function loadProduction(): CompiledPolicy {
  const dir = process.env.POLICIES_DIR ?? join(__dirname, '../../../../policies');
  const loaded = loadPolicyFile(join(dir, 'production', 'policy.yaml'));
  if (!loaded.document) {
    for (const problem of loaded.problems) process.stderr.write(`${formatPolicyProblem(problem)}\n`);
    process.exit(1);
  }
  return compilePolicy(loaded.document);
}

function checksum(decision: Decision): number {
  let sum = decision.outcome.length * 31 + decision.matchedRules.length * 7;
  for (const approval of decision.approvals) sum += approval.count * approval.group.length;
  return sum;
}

/** Contender is one way of deciding, timed as a function of the input returning a checksum. */
interface Contender {
  name: string;
  run: (input: unknown) => number;
}

/**
 * Times every contender over the same DECISIONS generated inputs. Inputs are generated in
 * chunks (BENCH_CHUNK, default 1,000: cache-resident, like a request that was just parsed);
 * each chunk is decided by every contender in a rotating order.
 */
function race(contenders: Contender[], seed: number): { nanos: Map<string, number>; mismatches: string[] } {
  const nanos = new Map(contenders.map((contender) => [contender.name, 0]));
  const mismatches: string[] = [];
  const generator = new ProductionInputGenerator(seed);
  let serial = 0;
  const warm = Array.from({ length: 20_000 }, () => generator.next(serial++));
  for (const contender of contenders) for (let pass = 0; pass < 3; pass += 1) for (const input of warm) contender.run(input);
  for (let done = 0, round = 0; done < DECISIONS; done += CHUNK, round += 1) {
    const inputs = Array.from({ length: Math.min(CHUNK, DECISIONS - done) }, () => generator.next(serial++));
    const sums: number[] = [];
    for (let k = 0; k < contenders.length; k += 1) {
      const index = (k + round) % contenders.length;
      const run = contenders[index].run;
      let sum = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < inputs.length; i += 1) sum += run(inputs[i]);
      const elapsed = Number(process.hrtime.bigint() - start);
      nanos.set(contenders[index].name, (nanos.get(contenders[index].name) ?? 0) + elapsed);
      sums[index] = sum;
    }
    sums.forEach((sum, index) => {
      if (sum !== sums[0] && mismatches.length < 5) mismatches.push(`${contenders[index].name}: checksum ${sum} differs from ${sums[0]} in chunk ${round}`);
    });
  }
  return { nanos, mismatches };
}

/** Untimed: every evaluator (and the traced evaluation) gives Gatehouse's exact decision. */
function verifyDecisions(policy: CompiledPolicy, evaluators: Evaluator[], samples: number): string[] {
  const generator = new ProductionInputGenerator(7);
  const problems: string[] = [];
  const view = (decision: Decision) => [decision.outcome, decision.approvals, decision.matchedRules];
  for (let i = 0; i < samples && problems.length < 5; i += 1) {
    const input = generator.next(i);
    const expected = view(evaluators[0].decide(input));
    if (!isDeepStrictEqual(view(evaluatePolicy(policy, input, { trace: true })), expected)) problems.push(`traced evaluation differs on ${JSON.stringify(input)}`);
    for (const evaluator of evaluators.slice(1)) {
      if (!isDeepStrictEqual(view(evaluator.decide(input)), expected)) problems.push(`${evaluator.name} differs on ${JSON.stringify(input)}`);
    }
  }
  return problems;
}

function contenders(policy: CompiledPolicy): { evaluators: Evaluator[]; matchers: Contender[] } {
  const engine = new LogicEngine();
  const whens = policy.rules.map((rule) => rule.when);
  const engineTests = whens.map((when) => engine.build(when as never) as (input: unknown) => unknown);
  const jsTests = whens.map((when) => (input: unknown) => jsonLogic.apply(when as jsonLogic.RulesLogic, input));
  const evaluators: Evaluator[] = [
    { name: 'Gatehouse compiled (evaluatePolicy)', decide: (input) => evaluatePolicy(policy, input) },
    { name: 'hand-written JavaScript', decide: handWrittenProduction(policy) },
    { name: 'json-logic-engine 5.0.7 build()', decide: viaRuleFunctions(policy, engineTests) },
    { name: 'json-logic-js 2.0.5 apply()', decide: viaRuleFunctions(policy, jsTests) },
  ];
  const maskOf = (tests: ReadonlyArray<(input: unknown) => unknown>) => (input: unknown) => {
    let mask = 0;
    for (let i = 0; i < tests.length; i += 1) if (tests[i](input) === true) mask |= 1 << i;
    return mask;
  };
  const ruleSet = policy.ruleSet!;
  const matchers: Contender[] = [
    { name: 'Gatehouse compiled rule set', run: (input) => ruleSet(input) },
    { name: 'hand-written JavaScript', run: handWrittenProductionMask },
    { name: 'json-logic-engine 5.0.7 build()', run: maskOf(engineTests) },
    { name: 'json-logic-js 2.0.5 apply()', run: maskOf(jsTests) },
  ];
  return { evaluators, matchers };
}

function fuzz(pairs: number): { pairs: number; rules: number; disagreements: string[]; seconds: number } {
  const fuzzer = new LogicFuzzer(99991);
  const disagreements: string[] = [];
  const attempt = (run: () => unknown): { value?: unknown; threw?: true } => {
    try {
      return { value: run() };
    } catch {
      return { threw: true };
    }
  };
  const start = process.hrtime.bigint();
  let done = 0;
  let rules = 0;
  while (done < pairs) {
    const rule = fuzzer.rule(5);
    const compiled = compileLogic(rule);
    rules += 1;
    for (let i = 0; i < 10 && done < pairs; i += 1, done += 1) {
      const data = fuzzer.data();
      const expected = attempt(() => jsonLogic.apply(rule as jsonLogic.RulesLogic, data));
      const actual = attempt(() => compiled(data));
      // The interpreter (used for explanations) is checked on every tenth pair.
      const interpreted = i === 0 ? attempt(() => interpretLogic(rule, data)) : expected;
      if ((!isDeepStrictEqual(actual, expected) || !isDeepStrictEqual(interpreted, expected)) && disagreements.length < 5) {
        disagreements.push(`${JSON.stringify(rule)} on ${JSON.stringify(data)}: compiled ${JSON.stringify(actual)}, interpreted ${JSON.stringify(interpreted)}, json-logic-js ${JSON.stringify(expected)}`);
      }
    }
  }
  return { pairs: done, rules, disagreements, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** canonicalJson must equal the `canonicalize` package (loaded through Node's require(esm)). */
function crossCheckCanonical(samples: number): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require('canonicalize') as { default?: (value: unknown) => string } | ((value: unknown) => string);
  const canonicalize = typeof module === 'function' ? module : module.default!;
  const fuzzer = new LogicFuzzer(5);
  const problems: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    const value = i % 2 ? fuzzer.data() : { rule: fuzzer.rule(), n: fuzzer.next() * 1e6 - 5e5 };
    if (canonicalJson(value) !== canonicalize(value) && problems.length < 3) problems.push(JSON.stringify(value));
  }
  return problems;
}

function report(title: string, names: string[], nanos: Map<string, number>): { gatehouse: number; hand: number; jsonLogic: number } {
  const ns = (name: string) => (nanos.get(name) ?? 0) / DECISIONS;
  const [gatehouse, hand, engine, jsonLogic] = names.map(ns);
  process.stdout.write(`${title}\n`);
  printTable(
    ['evaluator', 'ns/decision', 'decisions/s', 'vs hand-written', 'vs Gatehouse'],
    names.map((name) => [name, ns(name).toFixed(1), Math.round(1e9 / ns(name)).toLocaleString('en'), `${(ns(name) / hand).toFixed(2)}x`, `${(ns(name) / gatehouse).toFixed(2)}x`]),
  );
  process.stdout.write(
    `Gatehouse / hand-written: ${(gatehouse / hand).toFixed(2)}x (target <= 2x: ${gatehouse / hand <= 2 ? 'met' : 'MISSED'}); ` +
      `json-logic-js / Gatehouse: ${(jsonLogic / gatehouse).toFixed(1)}x (target >= 20x: ${jsonLogic / gatehouse >= 20 ? 'met' : 'MISSED'}); ` +
      `json-logic-engine / Gatehouse: ${(engine / gatehouse).toFixed(2)}x\n\n`,
  );
  return { gatehouse, hand, jsonLogic };
}

function main(): void {
  const policy = loadProduction();
  process.stdout.write(
    `Gatehouse policy benchmark: policy ${policy.name} v${policy.version} (${policy.rules.length} rules, hash ${policy.hash.slice(0, 12)}), Node ${process.version}\n` +
      `${DECISIONS.toLocaleString('en')} varied inputs per evaluator, generated in chunks of ${CHUNK.toLocaleString('en')}\n\n`,
  );
  const { evaluators, matchers } = contenders(policy);
  const checksums = (decide: (input: unknown) => Decision) => (input: unknown) => checksum(decide(input));
  const decisions = race(evaluators.map((evaluator) => ({ name: evaluator.name, run: checksums(evaluator.decide) })), 424242);
  report('Full decisions (outcome, summed approvals, matched rules; non-tracing):', evaluators.map((evaluator) => evaluator.name), decisions.nanos);
  const matching = race(matchers, 424242);
  report('Rule evaluation only (which rules match, as a bit mask; no combination):', matchers.map((matcher) => matcher.name), matching.nanos);
  const disagreements = [...decisions.mismatches, ...matching.mismatches, ...verifyDecisions(policy, evaluators, 100_000)];
  process.stdout.write(`decisions agree across all evaluators and the traced evaluation (100,000 inputs checked in full): ${disagreements.length ? 'NO' : 'yes'}\n`);
  for (const line of disagreements) process.stdout.write(`  ${line}\n`);

  process.stdout.write(`\nDifferential fuzz against json-logic-js 2.0.5 (${FUZZ_PAIRS.toLocaleString('en')} pairs)...\n`);
  const result = fuzz(FUZZ_PAIRS);
  printTable(['fuzz', 'random rules', 'rule x input pairs', 'disagreements', 'seconds'], [
    ['compileLogic vs json-logic-js', result.rules.toLocaleString('en'), result.pairs.toLocaleString('en'), String(result.disagreements.length), result.seconds.toFixed(1)],
  ]);
  for (const line of result.disagreements) process.stdout.write(`  ${line}\n`);

  const canonical = crossCheckCanonical(20_000);
  process.stdout.write(`\ncanonicalJson equals the canonicalize package on 20,000 values: ${canonical.length ? `NO (${canonical.join('; ')})` : 'yes'}\n`);
  if (disagreements.length || result.disagreements.length || canonical.length) process.exitCode = 1;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |\n`;
  process.stdout.write(line(header));
  process.stdout.write(`|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(line(row));
}

main();
