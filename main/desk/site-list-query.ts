import { SiteEntry } from '../../protocol/index.js';
import { z } from 'zod';

/** The page's query parameter that carries the desk's default site list (JSON SiteEntry[]). */
const SITES_QUERY_PARAMETER = 'sites';

/** `sites=...` for the page's URL, or '' when there is no list (the connect screen then offers ?gateway= alone). */
export function siteListQuery(sites: readonly SiteEntry[] | undefined): string {
  return sites && sites.length > 0 ? `${SITES_QUERY_PARAMETER}=${encodeURIComponent(JSON.stringify(sites))}` : '';
}

/** LARMOR_DESK_SITES, as `npm start` hands its gateways to the Electron shell; undefined when unset or not a site list. */
export function siteListFromEnv(value: string | undefined): SiteEntry[] | undefined {
  if (!value) return undefined;
  try {
    const parsed = z.array(SiteEntry).min(1).max(16).safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
