import { z } from 'zod';
import { SiteEntry } from '../../../protocol/desk.js';
import type { KeyValueStore } from '../logic/connect-defaults.js';

export const SITE_LIST_STORAGE_KEY = 'larmor.desk.sites';

const SiteList = z.array(SiteEntry).max(16);

/** A site list from anywhere outside this page (shell query, policy, storage), or null when it is not one. */
export function parseSiteList(value: unknown): SiteEntry[] | null {
  const parsed = SiteList.safeParse(value);
  if (!parsed.success) return null;
  const ids = new Set(parsed.data.map((site) => site.id));
  return ids.size === parsed.data.length ? parsed.data : null;
}

/**
 * The site list the shell passes in `?sites=` (JSON), as `npm start` does for its simulated
 * scanners; null when there is none or it is not a valid list.
 */
export function sitesFromSearch(search: string): SiteEntry[] | null {
  const raw = new URLSearchParams(search).get('sites');
  if (!raw) return null;
  try {
    return parseSiteList(JSON.parse(raw));
  } catch {
    return null;
  }
}

export function loadSiteList(storage: KeyValueStore | null): SiteEntry[] {
  try {
    const raw = storage?.getItem(SITE_LIST_STORAGE_KEY);
    return raw ? (parseSiteList(JSON.parse(raw)) ?? []) : [];
  } catch {
    return [];
  }
}

export function saveSiteList(storage: KeyValueStore | null, sites: readonly SiteEntry[]): void {
  try {
    storage?.setItem(SITE_LIST_STORAGE_KEY, JSON.stringify(sites));
  } catch {
    // Storage full or disabled: the list still works for this sign-in, it is just not remembered.
  }
}

/** A short id for a new entry, from its name ("St. Olav MR-2" -> "st-olav-mr-2"), unique on the list. */
export function siteIdFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 28) || 'site';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** Add a site typed into the editor: a clear message for each thing wrong, else the longer list. */
export function addSite(sites: readonly SiteEntry[], name: string, url: string): { sites: SiteEntry[] } | { errors: string[] } {
  const trimmedUrl = url.trim();
  const candidate = {
    id: siteIdFor(
      name.trim(),
      sites.map((s) => s.id),
    ),
    name: name.trim(),
    url: trimmedUrl,
  };
  const parsed = SiteEntry.safeParse(candidate);
  const errors: string[] = [];
  if (candidate.name === '') errors.push('Enter the scanner’s name');
  if (!parsed.success && candidate.name !== '') errors.push(...parsed.error.issues.map((issue) => issue.message));
  if (sites.some((s) => s.url === trimmedUrl)) errors.push('That gateway is already on the list');
  if (sites.length >= 16) errors.push('A desk holds at most 16 scanners');
  if (errors.length > 0 || !parsed.success) return { errors: errors.length > 0 ? errors : ['Not a valid site'] };
  return { sites: [...sites, parsed.data] };
}

/**
 * What the connect screen offers first: the whole desk when there is a site list, except when
 * the shell handed over one gateway (`?gateway=` without `?sites=`, an observer invitation or a
 * one-scanner shell) and IT did not fix the list.
 */
export function initialConnectMode(search: string, siteCount: number, listFixedByPolicy: boolean): 'desk' | 'single' {
  if (siteCount === 0) return 'single';
  if (listFixedByPolicy) return 'desk';
  const params = new URLSearchParams(search);
  return params.has('gateway') && !params.has('sites') ? 'single' : 'desk';
}
