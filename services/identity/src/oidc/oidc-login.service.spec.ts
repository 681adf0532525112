import { groupsIn } from './oidc-login.service';

describe(groupsIn.name, () => {
  it('reads a list of group names, ignoring what is not a string', () => {
    expect(groupsIn({ groups: ['CAB', 7, null, 'Payments Leads'] }, 'groups')).toEqual(['CAB', 'Payments Leads']);
  });

  it('reads a single group given as a string', () => {
    expect(groupsIn({ groups: 'CAB' }, 'groups')).toEqual(['CAB']);
  });

  it('reaches into an object with a dotted claim name', () => {
    expect(groupsIn({ realm_access: { roles: ['CAB'] } }, 'realm_access.roles')).toEqual(['CAB']);
  });

  it('reads an absent claim as no groups, so mapped memberships are removed', () => {
    expect(groupsIn({ sub: 'x' }, 'groups')).toEqual([]);
  });
});
