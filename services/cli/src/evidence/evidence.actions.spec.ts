import { join } from 'node:path';
import { evidencePayload, parseCheckSpec } from './evidence.actions';

const fixture = (name: string) => join(__dirname, '../../test/fixtures', name);

describe(evidencePayload.name, () => {
  it('builds a TESTS payload from JUnit XML', async () => {
    expect(await evidencePayload({ change: 'c', junit: fixture('junit-payments.xml') })).toEqual({ kind: 'TESTS', tests: { passed: 4, failed: 2, skipped: 1 } });
  });

  it('lets --tool name the scanner of a SARIF report', async () => {
    expect(await evidencePayload({ change: 'c', sarif: fixture('sarif-payments.sarif'), tool: 'semgrep-ci' })).toEqual({
      kind: 'SECURITY_SCAN',
      securityScan: { tool: 'semgrep-ci', critical: 1, high: 3, medium: 1, low: 1 },
    });
  });

  it('wants exactly one report', async () => {
    await expect(evidencePayload({ change: 'c' })).rejects.toThrow('give exactly one of --junit, --lcov, --cobertura, --sarif, --check');
    await expect(evidencePayload({ change: 'c', junit: 'a.xml', lcov: 'b.info' })).rejects.toThrow('give exactly one of --junit, --lcov, --cobertura, --sarif, --check');
  });

  it('names the file it cannot read or parse', async () => {
    await expect(evidencePayload({ change: 'c', lcov: fixture('missing.info') })).rejects.toThrow(`cannot read ${fixture('missing.info')}: ENOENT`);
    await expect(evidencePayload({ change: 'c', cobertura: fixture('junit-payments.xml') })).rejects.toThrow(`${fixture('junit-payments.xml')}: not a Cobertura XML report: no <coverage> element`);
  });
});

describe(parseCheckSpec.name, () => {
  it('reads name=STATUS in any case', () => {
    expect(parseCheckSpec('license-scan=passed')).toEqual({ name: 'license-scan', status: 'PASSED' });
  });

  it('refuses an unknown status or a missing name', () => {
    expect(() => parseCheckSpec('sast=GREEN')).toThrow('--check sast=GREEN: expected name=STATUS, STATUS one of PASSED, FAILED, PENDING');
    expect(() => parseCheckSpec('=PASSED')).toThrow(/expected name=STATUS/);
  });
});
