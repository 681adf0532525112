import { ConfigError, defaultDataDir, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('uses defaults for an empty environment: embedded database, port 4000, info logs', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      databaseUrl: undefined,
      dataDir: defaultDataDir(),
      logLevel: 'info',
      demoData: 'auto',
      audit: { signingKeyPem: undefined, checkpointEveryEvents: 1000, checkpointEverySeconds: 60, retentionMonths: 84 },
    });
  });

  it('reads and types every variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://gatehouse:secret@db:5432/gatehouse',
      GATEHOUSE_DATA_DIR: '/srv/gatehouse',
      LOG_LEVEL: 'warn',
      GATEHOUSE_AUDIT_CHECKPOINT_EVERY: '500',
      GATEHOUSE_AUDIT_RETENTION_MONTHS: '120',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://gatehouse:secret@db:5432/gatehouse',
      dataDir: '/srv/gatehouse',
      logLevel: 'warn',
      audit: { checkpointEveryEvents: 500, retentionMonths: 120 },
    });
  });

  it('reads the promotion settings, with a 48 h emergency review by the change advisory board by default', () => {
    expect(loadConfig({}).promotions).toEqual({ emergencyReviewHours: 48, emergencyReviewGroups: ['change-advisory-board'], expirySweepSeconds: 30 });
    expect(loadConfig({ GATEHOUSE_EMERGENCY_REVIEW_HOURS: '12', GATEHOUSE_EMERGENCY_REVIEW_GROUPS: 'cab, risk' }).promotions).toMatchObject({
      emergencyReviewHours: 12,
      emergencyReviewGroups: ['cab', 'risk'],
    });
    expect(() => loadConfig({ GATEHOUSE_EMERGENCY_REVIEW_GROUPS: 'Not A Group' })).toThrow(/GATEHOUSE_EMERGENCY_REVIEW_GROUPS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 4000, databaseUrl: undefined });
  });

  it('names every bad variable at once, with its value and what is wrong', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db/x', GATEHOUSE_DATA_DIR: 'relative/dir', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'GATEHOUSE_DATA_DIR', 'LOG_LEVEL', 'PORT']);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT="eighty": must be a number');
    expect(message).toContain('DATABASE_URL="mysql://db/x": must be a postgres:// or postgresql:// URL');
    expect(message).toContain('GATEHOUSE_DATA_DIR="relative/dir": must be an absolute path');
    expect(message).toContain('LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent');
  });

  it('refuses a port out of range and a signing key that is not a PEM private key', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000": must be between 0 and 65535/);
    expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: 'not-a-key' })).toThrow(/GATEHOUSE_AUDIT_SIGNING_KEY/);
  });

  it('refuses an audit retention shorter than 12 months or not in whole months', () => {
    expect(() => loadConfig({ GATEHOUSE_AUDIT_RETENTION_MONTHS: '6' })).toThrow(/GATEHOUSE_AUDIT_RETENTION_MONTHS="6": must be at least 12 \(months\)/);
    expect(() => loadConfig({ GATEHOUSE_AUDIT_RETENTION_MONTHS: '12.5' })).toThrow(/GATEHOUSE_AUDIT_RETENTION_MONTHS="12.5": must be a whole number of months/);
    expect(loadConfig({ GATEHOUSE_AUDIT_RETENTION_MONTHS: '12' }).audit.retentionMonths).toBe(12);
  });
});
