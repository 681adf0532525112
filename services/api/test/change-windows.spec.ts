import { Client } from 'pg';
import { ChangeWindowService } from '@gatehouse/pipelines';
import { startTestApp, type TestApp } from './support/test-app';

const WINDOW_FIELDS = 'id application environment timezone name kind start end rrule duration recurring reason createdBy createdAt';
const CREATE = `mutation Create($input: CreateChangeWindowInput!) { createChangeWindow(input: $input) { ${WINDOW_FIELDS} } }`;
const DELETE = `mutation Delete($input: DeleteChangeWindowInput!) { deleteChangeWindow(input: $input) { ${WINDOW_FIELDS} } }`;
const LIST = `query List($application: String!, $environment: String!) { changeWindows(application: $application, environment: $environment) { ${WINDOW_FIELDS} } }`;
const STATUS = `query Status($application: String!, $environment: String!, $at: DateTime) {
  changeWindowStatus(application: $application, environment: $environment, at: $at) { at frozen name allowed localTime dayOfWeek } }`;
const CREATE_APPLICATION = `mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`;

interface WindowData {
  id: string;
  name: string;
  kind: string;
  start: string;
  end: string | null;
  rrule: string | null;
  duration: string | null;
  recurring: boolean;
  timezone: string;
  createdBy: string;
}

/** A valid weekly freeze; override what a test is about. */
function windowInput(overrides: Record<string, unknown> = {}) {
  return {
    application: 'windows-app',
    environment: 'prod',
    name: 'weekend',
    kind: 'FREEZE',
    start: '2026-01-01T00:00',
    rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16',
    duration: 'PT64H',
    reason: 'Nobody on call at weekends',
    ...overrides,
  };
}

describe('change windows over HTTP GraphQL', () => {
  let api: TestApp;
  let db: Client;
  let author: string;

  beforeAll(async () => {
    api = await startTestApp();
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    author = await api.tokenFor('calendar-author', ['POLICY_AUTHOR']);
    for (const name of ['windows-app', 'archived-windows-app']) {
      const created = await api.graphql(CREATE_APPLICATION, {
        input: {
          name,
          team: 'platform',
          environments: [
            { name: 'dev', tier: 'DEVELOPMENT', timezone: 'UTC' },
            { name: 'prod', tier: 'PRODUCTION', timezone: 'Europe/London' },
            { name: 'ny', tier: 'PRODUCTION', timezone: 'America/New_York' },
          ],
        },
      });
      expect(created.errors).toBeUndefined();
    }
    await api.graphql('mutation { archiveApplication(input: { name: "archived-windows-app" }) { id } }');
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  const create = (overrides: Record<string, unknown> = {}, token = author) =>
    api.graphql<{ createChangeWindow: WindowData }>(CREATE, { input: windowInput(overrides) }, { authorization: `Bearer ${token}` });
  const created = async (overrides: Record<string, unknown> = {}) => {
    const response = await create(overrides);
    expect(response.errors).toBeUndefined();
    return response.data!.createChangeWindow;
  };
  const status = async (environment: string, at: string) => {
    const response = await api.graphql<{ changeWindowStatus: Record<string, unknown> }>(STATUS, { application: 'windows-app', environment, at });
    expect(response.errors).toBeUndefined();
    return response.data!.changeWindowStatus;
  };
  const auditEvents = async (action: string, subjectId: string) =>
    (await db.query('SELECT action, application, environment, data FROM audit.event WHERE action = $1 AND subject_id = $2', [action, subjectId])).rows;

  describe('createChangeWindow', () => {
    it('creates a recurring freeze read in the environment’s time zone, audited', async () => {
      const me = await api.graphql<{ me: { id: string } }>('{ me { id } }', {}, { authorization: `Bearer ${author}` });
      const window = await created({ environment: 'dev', name: 'audited-weekend' });
      expect(window).toMatchObject({
        name: 'audited-weekend',
        kind: 'FREEZE',
        timezone: 'UTC',
        start: '2026-01-01T00:00:00',
        end: null,
        rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16',
        duration: 'PT64H',
        recurring: true,
        createdBy: me.data!.me.id,
      });
      const events = await auditEvents('change-window.created', window.id);
      expect(events).toEqual([
        expect.objectContaining({ application: 'windows-app', environment: 'dev', data: expect.objectContaining({ name: 'audited-weekend', rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16' }) }),
      ]);
    });

    it('creates a one-off window and defaults the start of a recurring one to the start of today, local', async () => {
      const oneOff = await created({ environment: 'dev', name: 'one-off', start: '2026-12-20T00:00', end: '2027-01-04T00:00', rrule: null, duration: null });
      expect(oneOff).toMatchObject({ recurring: false, start: '2026-12-20T00:00:00', end: '2027-01-04T00:00:00', rrule: null, duration: null });
      const recurring = await created({ environment: 'dev', name: 'from-today', start: null });
      expect(recurring.start).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
    });

    it('refuses a second window of one name in an environment with CONFLICT, also when created concurrently', async () => {
      await created({ environment: 'dev', name: 'taken' });
      const again = await create({ environment: 'dev', name: 'taken' });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'WINDOW_NAME_TAKEN' });
      const results = await Promise.all(Array.from({ length: 5 }, () => create({ environment: 'dev', name: 'raced' })));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      for (const loser of results.filter((r) => r.errors)) expect(loser.errors?.[0]?.extensions.code).toBe('CONFLICT');
    });

    it.each([
      ['an rrule rrule’s parser rejects, with its message', { rrule: 'FREQ=WEEKLY;FOO=1' }, 'input.rrule', "Unknown RRULE property 'FOO'"],
      ['an rrule without FREQ', { rrule: 'BYDAY=MO' }, 'input.rrule', 'needs FREQ'],
      ['an rrule more often than daily', { rrule: 'FREQ=MINUTELY' }, 'input.rrule', 'more often than daily'],
      ['an hour out of range', { rrule: 'FREQ=DAILY;BYHOUR=24' }, 'input.rrule', 'BYHOUR value 24 is out of range'],
      ['an rrule with DTSTART', { rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' }, 'input.rrule', 'without DTSTART or TZID'],
      ['an rrule without a duration', { duration: null }, 'input.duration', 'is required with an rrule'],
      ['a duration without an rrule', { rrule: null }, 'input.rrule', 'is required with a duration'],
      ['a duration that is not ISO 8601', { duration: '64 hours' }, 'input.duration', 'ISO 8601 duration'],
      ['a zero duration', { duration: 'PT0S' }, 'input.duration', 'longer than zero'],
      ['a duration over a year', { duration: 'P400D' }, 'input.duration', 'at most 366 days'],
      ['a one-off window without an end', { rrule: null, duration: null, end: null }, 'input.end', 'is required for a one-off window'],
      ['a one-off window without a start', { rrule: null, duration: null, start: null, end: '2027-01-04T00:00' }, 'input.start', 'is required for a one-off window'],
      ['an end before the start', { rrule: null, duration: null, start: '2027-01-04T00:00', end: '2026-12-20T00:00' }, 'input.end', 'must be after start'],
      ['a start with an offset', { start: '2026-12-20T00:00:00Z' }, 'input.start', 'without offset'],
      ['a start that does not exist', { start: '2026-02-30T00:00' }, 'input.start', 'not a date-time that exists'],
      ['a name that is not a slug', { name: 'Year End' }, 'input.name', 'must be a slug'],
      ['the reserved name', { name: 'outside-allowed-hours' }, 'input.name', 'reserved'],
    ])('refuses %s with VALIDATION_FAILED naming the field', async (_, overrides, path, message) => {
      const { errors, data } = await create({ environment: 'dev', name: 'invalid-window', ...overrides });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect(errors?.[0]?.extensions.fields).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
    });

    it('refuses an unknown kind before running', async () => {
      const { errors } = await create({ kind: 'MAYBE' });
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
    });

    it('answers NOT_FOUND for an unknown application or environment, and CONFLICT for an archived application', async () => {
      const app = await create({ application: 'ghost-app' });
      expect(app.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'APPLICATION_NOT_FOUND' });
      const environment = await create({ environment: 'qa' });
      expect(environment.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'ENVIRONMENT_NOT_FOUND' });
      expect(environment.errors?.[0]?.message).toContain('dev, prod, ny');
      const archived = await create({ application: 'archived-windows-app' });
      expect(archived.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_ARCHIVED' });
    });

    it('refuses managing windows to a developer and lets an admin do it', async () => {
      const developer = await api.tokenFor('window-developer', ['DEVELOPER']);
      const refused = await create({ environment: 'dev', name: 'by-developer' }, developer);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
      const admin = await api.tokenFor('window-admin', ['ADMIN']);
      const allowed = await create({ environment: 'dev', name: 'by-admin' }, admin);
      expect(allowed.errors).toBeUndefined();
    });
  });

  describe('deleteChangeWindow', () => {
    it('takes a window out of force, keeps its row, audits it, and frees its name', async () => {
      const window = await created({ environment: 'dev', name: 'short-lived' });
      const deleted = await api.graphql<{ deleteChangeWindow: WindowData }>(DELETE, { input: { id: window.id } }, { authorization: `Bearer ${author}` });
      expect(deleted.errors).toBeUndefined();
      expect(deleted.data!.deleteChangeWindow).toMatchObject({ id: window.id, name: 'short-lived' });

      const listed = await api.graphql<{ changeWindows: WindowData[] }>(LIST, { application: 'windows-app', environment: 'dev' });
      expect(listed.data!.changeWindows.map((w) => w.name)).not.toContain('short-lived');
      const row = await db.query('SELECT deleted_at, deleted_by FROM pipelines.change_window WHERE id = $1', [window.id]);
      expect(row.rows[0]).toEqual({ deleted_at: expect.any(Date), deleted_by: window.createdBy });
      expect(await auditEvents('change-window.deleted', window.id)).toHaveLength(1);

      const again = await api.graphql(DELETE, { input: { id: window.id } }, { authorization: `Bearer ${author}` });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'WINDOW_NOT_FOUND' });
      await created({ environment: 'dev', name: 'short-lived' });
    });

    it('refuses an id that is not a UUID with VALIDATION_FAILED', async () => {
      const { errors } = await api.graphql(DELETE, { input: { id: 'nope' } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ path: 'input.id' })] });
    });
  });

  describe('changeWindows and changeWindowStatus', () => {
    beforeAll(async () => {
      await created({ name: 'weekend' });
      await created({ name: 'year-end', start: '2026-12-20T00:00', end: '2027-01-04T00:00', rrule: null, duration: null });
      await created({ environment: 'ny', name: 'business-hours', kind: 'ALLOW', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9', duration: 'PT8H' });
    });

    it('lists the windows in force of an environment by name', async () => {
      const { data, errors } = await api.graphql<{ changeWindows: WindowData[] }>(LIST, { application: 'windows-app', environment: 'prod' });
      expect(errors).toBeUndefined();
      expect(data!.changeWindows.map((w) => [w.name, w.timezone])).toEqual([
        ['weekend', 'Europe/London'],
        ['year-end', 'Europe/London'],
      ]);
    });

    it('answers NOT_FOUND when listing windows of an unknown environment', async () => {
      const { errors } = await api.graphql(LIST, { application: 'windows-app', environment: 'qa' });
      expect(errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    });

    it('says frozen inside the weekly freeze, across the March clock change, in local time', async () => {
      expect(await status('prod', '2026-03-27T15:59:00Z')).toMatchObject({ frozen: false, name: null, allowed: true, localTime: '15:59', dayOfWeek: 'fri' });
      expect(await status('prod', '2026-03-27T16:00:00Z')).toMatchObject({ frozen: true, name: 'weekend', localTime: '16:00' });
      expect(await status('prod', '2026-03-30T07:59:00Z')).toMatchObject({ frozen: true, name: 'weekend', localTime: '08:59', dayOfWeek: 'mon' });
      expect(await status('prod', '2026-03-30T08:00:00Z')).toMatchObject({ frozen: false, name: null });
    });

    it('says frozen in the one-off year-end freeze', async () => {
      expect(await status('prod', '2026-12-22T10:00:00Z')).toMatchObject({ frozen: true, name: 'year-end' });
    });

    it('counts outside the allowed hours as frozen, in the environment’s own time zone', async () => {
      expect(await status('ny', '2026-11-25T14:00:00Z')).toMatchObject({ frozen: false, allowed: true, localTime: '09:00', dayOfWeek: 'wed' });
      expect(await status('ny', '2026-11-25T13:59:00Z')).toMatchObject({ frozen: true, name: 'outside-allowed-hours', allowed: false });
    });

    it('gives promotions the policy input window.* from the service', async () => {
      const window = await api.app.get(ChangeWindowService).policyInputAt('windows-app', 'prod', new Date('2026-03-28T12:00:00Z'));
      expect(window).toEqual({ frozen: true, freeze: 'weekend', name: 'weekend', inChangeWindow: true, localTime: '12:00', dayOfWeek: 'sat' });
    });
  });
});
