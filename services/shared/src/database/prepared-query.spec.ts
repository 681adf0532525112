import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, preparedStatementName } from './prepared-query';

type Sent = { via: string; name: string; text: string; values: unknown[] };

function fakes() {
  const sent: Sent[] = [];
  const queryable = (via: string) => ({
    query: async (config: { name: string; text: string; values: unknown[] }) => {
      sent.push({ via, ...config });
      return { rows: [{ via }] };
    },
  });
  const dataSource = { driver: { master: queryable('pool') } } as unknown as DataSource;
  const transactionClient = queryable('transaction');
  const runner = { isReleased: false, connect: async () => transactionClient };
  const inTransaction = { dataSource, queryRunner: runner } as unknown as EntityManager;
  const plainManager = { dataSource } as unknown as EntityManager;
  return { sent, dataSource, runner, inTransaction, plainManager };
}

describe('preparedQuery', () => {
  it('names a statement after its text: the same text, the same name; another text, another name', () => {
    expect(preparedStatementName('SELECT 1')).toBe(preparedStatementName('SELECT 1'));
    expect(preparedStatementName('SELECT 1')).not.toBe(preparedStatementName('SELECT 2'));
    expect(preparedStatementName('SELECT 1')).toMatch(/^gh_[0-9a-f]{24}$/);
  });

  it("runs inside a transaction on that transaction's connection", async () => {
    const { sent, inTransaction } = fakes();
    await expect(preparedQuery(inTransaction, 'SELECT $1::int AS x', [1])).resolves.toEqual([{ via: 'transaction' }]);
    expect(sent).toEqual([{ via: 'transaction', name: preparedStatementName('SELECT $1::int AS x'), text: 'SELECT $1::int AS x', values: [1] }]);
  });

  it('runs on the pool for a data source, a manager outside a transaction, or a released runner', async () => {
    const { sent, dataSource, plainManager, inTransaction, runner } = fakes();
    await preparedQuery(dataSource, 'SELECT 1', []);
    await preparedQuery(plainManager, 'SELECT 1', []);
    runner.isReleased = true;
    await preparedQuery(inTransaction, 'SELECT 1', []);
    expect(sent.map((s) => s.via)).toEqual(['pool', 'pool', 'pool']);
  });
});
