import { csvRecord } from './audit-export.format';
import type { AuditEventRow } from '../audit-event/audit-event.row';

function aRow(overrides: Partial<AuditEventRow> = {}): AuditEventRow {
  return {
    seq: '7',
    id: '00000000-0000-4000-8000-000000000007',
    occurred_at: new Date('2026-11-26T10:00:00.000Z'),
    actor_kind: 'USER',
    actor_id: 'u1',
    actor_display_name: 'Ada, "the" Admin',
    actor_ip: null,
    actor_user_agent: null,
    action: 'application.created',
    subject_type: 'application',
    subject_id: 'a1',
    application: 'payments-api',
    environment: null,
    request_id: null,
    data: { note: 'line1\nline2' },
    prev_hash: Buffer.alloc(32),
    hash: Buffer.alloc(32, 1),
    ...overrides,
  } as AuditEventRow;
}

describe(csvRecord.name, () => {
  it('quotes per RFC 4180 (commas, quotes, newlines) and ends with CRLF', () => {
    const line = csvRecord(aRow());
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line).toContain('"Ada, ""the"" Admin"');
    expect(line).toContain('"{""note"":""line1\\nline2""}"');
    expect(line.startsWith('7,00000000-0000-4000-8000-000000000007,2026-11-26T10:00:00.000Z,USER,u1,')).toBe(true);
  });

  it('neutralises a cell a spreadsheet would run as a formula', () => {
    const line = csvRecord(aRow({ actor_display_name: '=HYPERLINK("http://evil")' }));
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
