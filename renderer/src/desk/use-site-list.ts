import { useEffect, useState } from 'react';
import type { SiteEntry } from '../../../protocol/desk.js';
import type { PolicyView } from '../../../protocol/policy.js';
import type { KeyValueStore } from '../logic/connect-defaults.js';
import { loadSiteList, parseSiteList, saveSiteList, sitesFromSearch } from './site-list.js';

/**
 * The desk's site list for the connect screen. The machine policy's list wins and cannot be
 * edited; then the list the shell passes (`npm start` knows where its simulated scanners are,
 * as `?gateway=` wins for one gateway); then the list this user edited last time.
 */
export function useSiteList(policy: PolicyView | null, search: string, storage: KeyValueStore | null) {
  const [sites, setSites] = useState<SiteEntry[]>(() => sitesFromSearch(search) ?? loadSiteList(storage));
  const fixed = policySites(policy);
  useEffect(() => {
    if (fixed) setSites(fixed);
    // The policy is read once; its list is compared by content, not identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(fixed)]);
  return {
    sites: fixed ?? sites,
    fixedBy: fixed ? (policy?.source ?? 'machine policy') : null,
    edit: (next: SiteEntry[]) => {
      setSites(next);
      saveSiteList(storage, next);
    },
  };
}

/** The policy's site list, when IT set one (null: the user keeps their own). */
function policySites(policy: PolicyView | null): SiteEntry[] | null {
  if (!policy?.sites) return null;
  const sites = parseSiteList(policy.sites);
  return sites && sites.length > 0 ? sites : null;
}
