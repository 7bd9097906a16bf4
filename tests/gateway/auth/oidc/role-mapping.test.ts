import { describe, expect, it } from 'vitest';
import { groupsOf, mapClaimsToRoles } from '../../../../gateway/auth/oidc/role-mapping.js';

const CONFIG = {
  groupsClaim: 'groups',
  roles: {
    'mr-remote-technologists': ['operator' as const],
    'mr-onsite': ['onsite' as const],
    'radiology-residents': ['observer' as const],
    'mr-physicists': ['observer' as const, 'admin' as const],
  },
  levels: { 'mr-onsite': 'mr1' as const, 'mr-safety-officers': 'mrst' as const, 'mr-level-2': 'mr2' as const },
};

describe('mapping hospital groups to Larmor roles', () => {
  it('gives operator to a member of mr-remote-technologists', () => {
    expect(mapClaimsToRoles({ groups: ['mr-remote-technologists', 'all-staff'] }, CONFIG)).toEqual({ roles: ['operator'] });
  });

  it('gives no role to a person in no mapped group', () => {
    expect(mapClaimsToRoles({ groups: ['all-staff'] }, CONFIG)).toEqual({ roles: [] });
    expect(mapClaimsToRoles({}, CONFIG)).toEqual({ roles: [] });
  });

  it('unites the roles of all groups, each once', () => {
    expect(mapClaimsToRoles({ groups: ['mr-physicists', 'radiology-residents', 'mr-remote-technologists'] }, CONFIG).roles).toEqual([
      'operator',
      'observer',
      'admin',
    ]);
  });

  it('takes the highest onsite credential level of the groups', () => {
    expect(mapClaimsToRoles({ groups: ['mr-onsite', 'mr-safety-officers', 'mr-level-2'] }, CONFIG)).toEqual({ roles: ['onsite'], level: 'mrst' });
  });

  it('gives a level only to a person who may be onsite', () => {
    expect(mapClaimsToRoles({ groups: ['mr-remote-technologists', 'mr-safety-officers'] }, CONFIG)).toEqual({ roles: ['operator'] });
  });

  it('maps nothing from a group named like an object property', () => {
    expect(mapClaimsToRoles({ groups: ['__proto__', 'constructor', 'toString'] }, CONFIG)).toEqual({ roles: [] });
  });

  it('reads a dotted claim path and a single-string claim', () => {
    expect(groupsOf({ realm_access: { roles: ['a', 'b', 3] } }, 'realm_access.roles')).toEqual(['a', 'b']);
    expect(groupsOf({ groups: 'mr-onsite' }, 'groups')).toEqual(['mr-onsite']);
    expect(groupsOf({ realm_access: null }, 'realm_access.roles')).toEqual([]);
  });
});
