import type { OidcConfig, SsoLevel, SsoRole } from './oidc-config.js';

export interface MappedRoles {
  roles: SsoRole[];
  /** Onsite credential level, only when the person may be onsite and a group grants one. */
  level?: SsoLevel;
}

/** Lowest to highest: ACR MR Level 1, MR Level 2 personnel, MR Safety Technologist. */
const LEVEL_ORDER: readonly SsoLevel[] = ['mr1', 'mr2', 'mrst'];

/**
 * The Larmor roles a hospital identity grants: the union over the person's groups of the
 * config's `roles` entries. Pure: the claims come from a verified ID token (and userinfo).
 */
export function mapClaimsToRoles(claims: Record<string, unknown>, config: Pick<OidcConfig, 'groupsClaim' | 'roles' | 'levels'>): MappedRoles {
  const groups = groupsOf(claims, config.groupsClaim);
  const roles = new Set<SsoRole>();
  let level: SsoLevel | undefined;
  for (const group of groups) {
    // Own properties only: a group called "__proto__" or "constructor" maps to nothing.
    if (Object.hasOwn(config.roles, group)) for (const role of config.roles[group]!) roles.add(role);
    if (Object.hasOwn(config.levels, group)) {
      const granted = config.levels[group]!;
      if (level === undefined || LEVEL_ORDER.indexOf(granted) > LEVEL_ORDER.indexOf(level)) level = granted;
    }
  }
  const ordered = (['operator', 'onsite', 'observer', 'admin'] as const).filter((r) => roles.has(r));
  return roles.has('onsite') && level ? { roles: ordered, level } : { roles: ordered };
}

/** The groups claim as a list of strings: an array, or one string (some providers send a single group that way). */
export function groupsOf(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}
