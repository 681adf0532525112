import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeConfig } from '../client/client-config';
import { serverOptions } from './audit-client';
import { formatVerificationReport, type VerificationReport } from './audit-report';

const report = (overrides: Partial<VerificationReport> = {}): VerificationReport => ({
  valid: true,
  sealedFrom: 1,
  sealedTo: 120,
  pendingCount: 2,
  checkedFrom: 1,
  checkedTo: 120,
  eventsChecked: 120,
  checkpointsChecked: 1,
  lastCheckpoint: { seq: 100, time: '2026-11-26T15:00:00.000Z', keyId: 'abc' },
  unsignedTail: 20,
  keyIds: ['abc'],
  firstBroken: null,
  ...overrides,
});

describe(formatVerificationReport.name, () => {
  it('states the sealed range, the pending count and the unsigned tail', () => {
    const text = formatVerificationReport(report(), 'http://gatehouse');
    expect(text).toContain('sealed range: 1–120');
    expect(text).toContain('pending:      2');
    expect(text).toContain('checkpoint:   seq 100 at 2026-11-26T15:00:00.000Z, key abc (20 events after it not signed yet)');
    expect(text).toContain('result:       OK');
  });

  it('says where retention cut the log and which month seal anchors it', () => {
    const fromServer = formatVerificationReport(report({ prunedBefore: 37, retentionAnchor: { sealMonth: '2024-04', sealKeyId: 'abc' } }), 'http://gatehouse');
    expect(fromServer).toContain('retention:    pruned before seq 37, anchored by the month seal of 2024-04 (key abc)');
    const fromFile = formatVerificationReport(report({ prunedBefore: 37, anchoredBy: { month: '2024-04', keyId: 'abc' } }), 'export.jsonl');
    expect(fromFile).toContain('retention:    pruned before seq 37, anchored by the month seal of 2024-04 (key abc)');
    expect(formatVerificationReport(report(), 'http://gatehouse')).not.toContain('retention:');
  });

  it('names the first broken seq and what broke', () => {
    const text = formatVerificationReport(
      report({ valid: false, firstBroken: { seq: 17, problem: 'EDITED_COLUMNS', message: 'the event at seq 17 no longer says what was sealed' } }),
      'export.jsonl',
    );
    expect(text).toContain('result:       BROKEN at seq 17: EDITED_COLUMNS');
    expect(text).toContain('the event at seq 17 no longer says what was sealed');
  });
});

describe(serverOptions.name, () => {
  it('prefers flags, then GATEHOUSE_URL and GATEHOUSE_TOKEN', () => {
    expect(serverOptions({ url: 'http://a/', token: 't' }, { GATEHOUSE_URL: 'http://b', GATEHOUSE_TOKEN: 'u' })).toEqual({ url: 'http://a', token: 't' });
    expect(serverOptions({}, { GATEHOUSE_URL: 'http://b', GATEHOUSE_TOKEN: 'u' })).toEqual({ url: 'http://b', token: 'u' });
  });

  it('falls back to the saved gatehouse login', () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-audit-')) };
    writeConfig({ url: 'https://saved.example', token: 'saved-token' }, env);
    expect(serverOptions({}, env)).toEqual({ url: 'https://saved.example', token: 'saved-token' });
  });
});
