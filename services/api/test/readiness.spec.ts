import { Client } from 'pg';
import { MIGRATIONS_TABLE } from '@gatehouse/shared';
import { startTestApp, type TestApp } from './support/test-app';

describe('GET /readyz', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.close());

  it('is ready when the database answers and every migration has run, and 503 naming what is missing otherwise', async () => {
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const db = new Client({ connectionString: api.database.url });
    await db.connect();
    try {
      const { rows } = await db.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name LIKE 'CreateApplications%' RETURNING name`);
      expect(rows).toHaveLength(1);
      const notReady = await fetch(`${api.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'unavailable', reason: `1 migration(s) not applied: ${rows[0].name}` });
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200); // alive, just not ready
    } finally {
      await db.end();
    }
  });
});
