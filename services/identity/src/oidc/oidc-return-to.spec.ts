import { safeReturnTo } from './oidc-return-to';

describe(safeReturnTo.name, () => {
  it('accepts a path on this site, with its query', () => {
    expect(safeReturnTo('/promotions/42?tab=approvals')).toBe('/promotions/42?tab=approvals');
  });

  it('sends people home when no returnTo is given', () => {
    expect(safeReturnTo(undefined)).toBe('/');
    expect(safeReturnTo('')).toBe('/');
  });

  it.each(['https://evil.example', '//evil.example', '///evil.example', '/\\evil.example', '/a\\b', 'evil.example/x', 'javascript:alert(1)', '/\r\nLocation: x', '/\t/evil.example'])(
    'refuses %j, which could leave this site',
    (value) => {
      expect(safeReturnTo(value)).toBeNull();
    },
  );

  it('refuses what is not one string (a repeated query parameter arrives as a list)', () => {
    expect(safeReturnTo(['/a', '/b'])).toBeNull();
    expect(safeReturnTo(`/${'a'.repeat(3000)}`)).toBeNull();
  });
});
