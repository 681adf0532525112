import { formatApplications, parseEnvironmentSpec, type ApplicationView } from './application.actions';

describe(parseEnvironmentSpec.name, () => {
  it('reads name and tier', () => {
    expect(parseEnvironmentSpec('dev:development')).toEqual({ name: 'dev', tier: 'DEVELOPMENT' });
  });

  it('reads the regulated flag and a time zone in either order', () => {
    expect(parseEnvironmentSpec('prod:PRODUCTION:regulated:Europe/London')).toEqual({ name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'Europe/London' });
    expect(parseEnvironmentSpec('prod:PRODUCTION:America/New_York:regulated')).toEqual({ name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'America/New_York' });
    expect(parseEnvironmentSpec('qa:TESTING:UTC')).toEqual({ name: 'qa', tier: 'TESTING', timezone: 'UTC' });
  });

  it('refuses an unknown tier or a repeated part', () => {
    expect(() => parseEnvironmentSpec('prod:LIVE')).toThrow('--env prod:LIVE: expected name:TIER[:regulated][:Time/Zone], TIER one of DEVELOPMENT, TESTING, STAGING, PRODUCTION');
    expect(() => parseEnvironmentSpec('prod')).toThrow(/expected name:TIER/);
    expect(() => parseEnvironmentSpec('prod:PRODUCTION:UTC:Europe/London')).toThrow('--env prod:PRODUCTION:UTC:Europe/London: unexpected "Europe/London"');
  });
});

describe(formatApplications.name, () => {
  const application = (name: string, archived = false): ApplicationView => ({
    id: name,
    name,
    team: 'payments-platform',
    description: '',
    archived,
    createdAt: '2026-11-26T10:00:00.000Z',
    environments: [
      { name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'UTC', position: 1 },
      { name: 'dev', tier: 'DEVELOPMENT', regulated: false, timezone: 'UTC', position: 0 },
    ],
  });

  it('lines up columns and shows environments in promotion order', () => {
    expect(formatApplications([application('payments-api'), application('web')])).toBe(
      'NAME          TEAM               ENVIRONMENTS\n' + 'payments-api  payments-platform  dev → prod*\n' + 'web           payments-platform  dev → prod*\n',
    );
  });

  it('adds an ARCHIVED column only when one is archived', () => {
    expect(formatApplications([application('old', true)]).split('\n')[0]).toBe('NAME  TEAM               ENVIRONMENTS  ARCHIVED');
  });
});
