import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCobertura, parseJUnit, parseLcov, parseSarif, sarifSeverity } from './evidence-report';

const fixture = (name: string) => readFileSync(join(__dirname, '../../test/fixtures', name), 'utf8');

describe(parseJUnit.name, () => {
  it('counts failures and errors as failed and skipped cases as skipped', () => {
    expect(parseJUnit(fixture('junit-payments.xml'))).toEqual({ passed: 4, failed: 2, skipped: 1 });
  });

  it('reads a lone <testsuite> with one case', () => {
    expect(parseJUnit(fixture('junit-single-suite.xml'))).toEqual({ passed: 1, failed: 0, skipped: 0 });
  });

  it('counts cases of nested suites', () => {
    const nested = '<testsuites><testsuite name="a"><testsuite name="b"><testcase name="x"/><testcase name="y"><skipped/></testcase></testsuite></testsuite></testsuites>';
    expect(parseJUnit(nested)).toEqual({ passed: 1, failed: 0, skipped: 1 });
  });

  it('refuses a document that is not a JUnit report', () => {
    expect(() => parseJUnit('<coverage line-rate="1"/>')).toThrow('not a JUnit XML report: no <testsuites> or <testsuite> element');
    expect(() => parseJUnit('<testsuite><testcase></testsuite>')).toThrow(/^not a JUnit XML report: /);
  });
});

describe(parseCobertura.name, () => {
  it('divides lines covered by lines valid', () => {
    expect(parseCobertura(fixture('cobertura-payments.xml'))).toBe(81.25);
  });

  it('falls back to line-rate', () => {
    expect(parseCobertura('<coverage line-rate="0.66667" branch-rate="0"/>')).toBe(66.67);
  });

  it('refuses a report without coverage figures', () => {
    expect(() => parseCobertura('<testsuites/>')).toThrow('not a Cobertura XML report: no <coverage> element');
    expect(() => parseCobertura('<coverage/>')).toThrow('not a Cobertura XML report: <coverage> has no line-rate or lines-covered/lines-valid');
  });
});

describe(parseLcov.name, () => {
  it('sums lines hit over lines found across files', async () => {
    expect(await parseLcov(fixture('coverage-payments.info'))).toBe(80);
  });

  it('refuses a file with no line records', async () => {
    await expect(parseLcov('TN:\nend_of_record\n')).rejects.toThrow(/^not an lcov report/);
  });
});

describe(parseSarif.name, () => {
  it('counts results by security-severity, else by level, and skips level none', () => {
    expect(parseSarif(fixture('sarif-payments.sarif'))).toEqual({ tool: 'semgrep', critical: 1, high: 3, medium: 1, low: 1 });
  });

  it('refuses text that is not a SARIF log', () => {
    expect(() => parseSarif('{"version":"2.1.0"}')).toThrow('not a SARIF report: no runs');
    expect(() => parseSarif('<xml/>')).toThrow(/^not a SARIF report: /);
  });
});

describe(sarifSeverity.name, () => {
  it('maps security-severity bands: 9 and above critical, 7 high, 4 medium, above 0 low', () => {
    expect([9, 8.9, 7, 6.9, 4, 3.9, 0.1].map((score) => sarifSeverity({ properties: { 'security-severity': String(score) } }, undefined))).toEqual([
      'critical',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
    ]);
  });

  it('maps levels: error high, warning medium, note low, none uncounted, and warning when nothing says', () => {
    expect(['error', 'warning', 'note', 'none'].map((level) => sarifSeverity({ level }, undefined))).toEqual(['high', 'medium', 'low', 'none']);
    expect(sarifSeverity({}, undefined)).toBe('medium');
    expect(sarifSeverity({}, { defaultConfiguration: { level: 'note' } })).toBe('low');
  });

  it('prefers the result\'s security-severity over its rule\'s', () => {
    expect(sarifSeverity({ properties: { 'security-severity': '9.1' } }, { properties: { 'security-severity': '2.0' } })).toBe('critical');
  });
});
