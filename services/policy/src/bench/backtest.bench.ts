/**
 * Backtest benchmark: `npm run bench:backtest`. Creates a throwaway database on DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres), stores BENCH_BACKTEST_ROWS (default
 * 1,000,000) decision inputs decided by the shipped production policy, then times what
 * `simulatePolicy` does: read every stored input in keyset batches and replay a candidate
 * (production with the CAB from risk 5 needing two members, auto only below risk 2) over them.
 * Target: ≤ 10 s for 1,000,000 inputs. Drops its database at the end, also on failure.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runMigrations } from '@gatehouse/shared';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { compilePolicy } from '../decision/compiled-policy';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { inputHash, scanDecisionInputs } from '../decision-input/decision-input.store';
import { CreatePolicySchema1795704428503 } from '../migrations/1795704428503-create-policy-schema';
import { CreatePolicyStore1795707602724 } from '../migrations/1795707602724-create-policy-store';
import { loadPolicyFile } from '../policy-document/policy-document.loader';
import { formatPolicyProblem } from '../policy-document/policy-document.model';
import { inputPathsRead } from '../simulation/input-projection';
import { replayDecisions } from '../simulation/simulation.replay';
import { ProductionInputGenerator } from './production-input.generator';

const ROWS = Number(process.env.BENCH_BACKTEST_ROWS ?? 1_000_000);
const INSERT_BATCH = 5_000;
const SCAN_BATCH = Number(process.env.BENCH_BACKTEST_BATCH ?? 2_000);
const TARGET_SECONDS = 10;
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const POLICIES_DIR = process.env.POLICIES_DIR ?? join(__dirname, '..', '..', '..', '..', 'policies');

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(SERVER);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const loaded = loadPolicyFile(join(POLICIES_DIR, 'production', 'policy.yaml'));
  if (!loaded.document) throw new Error(loaded.problems.map(formatPolicyProblem).join('\n'));
  const v1 = compilePolicy(loaded.document);
  const candidateDocument = structuredClone(loaded.document);
  candidateDocument.version = 2;
  for (const rule of candidateDocument.rules) {
    if (rule.id === 'high-risk-cab') {
      rule.when = { '>=': [{ var: 'change.risk' }, 5] };
      rule.approvals = { count: 2, groups: ['change-advisory-board'] };
    }
    if (rule.id === 'low-risk-auto') rule.when = { and: [{ '<': [{ var: 'change.risk' }, 2] }, { '===': [{ var: 'window.frozen' }, false] }] };
  }
  const candidate = compilePolicy(candidateDocument);

  const name = `gatehouse_backtest_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  console.log(`backtest benchmark: ${ROWS.toLocaleString('en')} stored decision inputs in database ${name}`);
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 2, application_name: 'gatehouse-backtest-bench' } });
  try {
    await runMigrations(url.toString(), [CreatePolicySchema1795704428503, CreatePolicyStore1795707602724]);
    await dataSource.initialize();

    // Generate: varied production inputs, decided by production v1, spread over 90 days.
    let start = process.hrtime.bigint();
    const generator = new ProductionInputGenerator(2026);
    const environments = ['prod', 'prod-ch'];
    const first = Date.UTC(2026, 7, 1);
    const step = (90 * 86_400_000) / ROWS;
    for (let offset = 0; offset < ROWS; offset += INSERT_BATCH) {
      const columns = { version: [] as number[], application: [] as string[], environment: [] as string[], outcome: [] as string[], approvals: [] as string[], input: [] as string[], hash: [] as string[], at: [] as string[] };
      for (let i = offset; i < Math.min(ROWS, offset + INSERT_BATCH); i += 1) {
        const input = generator.next(i);
        const decision = evaluatePolicy(v1, input);
        columns.application.push((input.application as { name: string }).name);
        columns.environment.push(environments[i % 2]!);
        columns.outcome.push(decision.outcome);
        columns.approvals.push(JSON.stringify(decision.approvals));
        columns.input.push(JSON.stringify(input));
        columns.hash.push(inputHash(input));
        columns.at.push(new Date(first + i * step).toISOString());
      }
      await dataSource.query(
        `INSERT INTO policy.decision_input (policy_name, policy_version, policy_hash, application, environment, outcome, approvals, input, input_hash, decided_at)
         SELECT 'production', 1, $1, a, e, o, ap::jsonb, i::jsonb, h, t::timestamptz
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(a, e, o, ap, i, h, t)`,
        [v1.hash, columns.application, columns.environment, columns.outcome, columns.approvals, columns.input, columns.hash, columns.at],
      );
      if (process.stdout.isTTY && (offset / INSERT_BATCH) % 40 === 0) process.stdout.write(`  generated ${offset.toLocaleString('en')}\r`);
    }
    await dataSource.query('ANALYZE policy.decision_input');
    const [{ size }] = await dataSource.query("SELECT pg_size_pretty(pg_total_relation_size('policy.decision_input')) AS size");
    console.log(`generated ${ROWS.toLocaleString('en')} rows (${size}) in ${seconds(start).toFixed(1)} s`);

    // The backtest itself, exactly as simulatePolicy runs it.
    start = process.hrtime.bigint();
    const summary = await replayDecisions(candidate, scanDecisionInputs(dataSource, { policy: 'production' }, SCAN_BATCH, process.env.BENCH_BACKTEST_WHOLE ? null : inputPathsRead(candidate.document)));
    const elapsed = seconds(start);
    if (summary.total !== ROWS) throw new Error(`replayed ${summary.total} rows, expected ${ROWS}`);

    console.log(`backtest of ${ROWS.toLocaleString('en')} stored inputs: ${elapsed.toFixed(2)} s (${Math.round(ROWS / elapsed).toLocaleString('en')} decisions/s, batches of ${SCAN_BATCH.toLocaleString('en')})`);
    console.log(`  changed ${summary.changed.toLocaleString('en')}, unchanged ${summary.unchanged.toLocaleString('en')}, failed closed ${summary.failedClosed}`);
    for (const transition of summary.transitions) console.log(`  ${transition.label.padEnd(40)} ${transition.count.toLocaleString('en')}`);
    console.log(`target ≤ ${TARGET_SECONDS} s: ${elapsed <= TARGET_SECONDS ? 'met' : 'NOT met'}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin(async (client) => {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
