import { auditFilterParams, auditQueryString, toAuditFilter } from './audit-filter';

describe(toAuditFilter.name, () => {
  it('maps the URL parameters to the API filter, lists split on commas, times read as UTC', () => {
    const params = auditFilterParams({ actor: 'u-1, u-2', action: 'approval.granted', application: 'payments-api', since: '2026-11-01T00:00', until: '', text: ' refund ' });
    expect(toAuditFilter(params)).toEqual({
      actors: ['u-1', 'u-2'],
      actions: ['approval.granted'],
      application: 'payments-api',
      since: '2026-11-01T00:00:00.000Z',
      text: 'refund',
    });
  });

  it('refuses a time that is not one, saying which', () => {
    expect(() => toAuditFilter(auditFilterParams({ since: 'yesterday' }))).toThrow('“yesterday” is not a date and time.');
  });
});

describe(auditQueryString.name, () => {
  it('keeps only the set parameters, plus extras such as the export format', () => {
    expect(auditQueryString(auditFilterParams({ application: 'ledger', actor: '' }), { format: 'csv' })).toBe('?application=ledger&format=csv');
    expect(auditQueryString(auditFilterParams({}))).toBe('');
  });
});
