import { describe, expect, it } from 'vitest';
import {
  addSite,
  initialConnectMode,
  loadSiteList,
  parseSiteList,
  saveSiteList,
  siteIdFor,
  sitesFromSearch,
  SITE_LIST_STORAGE_KEY,
} from '../../../renderer/src/desk/site-list.js';

const memory = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map };
};

describe('desk site list', () => {
  it('takes the list the shell passes in ?sites=', () => {
    const sites = [{ id: 'mr-a', name: 'Scanner A', url: 'ws://127.0.0.1:4001/' }];
    expect(sitesFromSearch(`?sites=${encodeURIComponent(JSON.stringify(sites))}`)).toEqual(sites);
    expect(sitesFromSearch('?gateway=ws://x')).toBeNull();
    expect(sitesFromSearch('?sites=not-json')).toBeNull();
  });

  it('refuses a list with a bad URL or the same id twice', () => {
    expect(parseSiteList([{ id: 'a', name: 'A', url: 'http://x' }])).toBeNull();
    expect(
      parseSiteList([
        { id: 'a', name: 'A', url: 'ws://x' },
        { id: 'a', name: 'B', url: 'ws://y' },
      ]),
    ).toBeNull();
  });

  it('remembers the edited list in local storage and reads it back', () => {
    const storage = memory();
    const sites = [{ id: 'mr-a', name: 'Scanner A', url: 'wss://a.example/larmor' }];
    saveSiteList(storage, sites);
    expect(JSON.parse(storage.map.get(SITE_LIST_STORAGE_KEY)!)).toEqual(sites);
    expect(loadSiteList(storage)).toEqual(sites);
    storage.setItem(SITE_LIST_STORAGE_KEY, '{broken');
    expect(loadSiteList(storage)).toEqual([]);
  });

  it('makes a short unique id from the name', () => {
    expect(siteIdFor('St. Olav MR-2', [])).toBe('st-olav-mr-2');
    expect(siteIdFor('St. Olav MR-2', ['st-olav-mr-2'])).toBe('st-olav-mr-2-2');
    expect(siteIdFor('!!!', [])).toBe('site');
  });

  it('adds a typed site, or says what is wrong with it', () => {
    const added = addSite([], 'Levanger MR-1', ' wss://mr1.levanger.example/larmor ');
    expect(added).toEqual({ sites: [{ id: 'levanger-mr-1', name: 'Levanger MR-1', url: 'wss://mr1.levanger.example/larmor' }] });
    const sites = 'sites' in added ? added.sites : [];
    expect(addSite(sites, 'Again', 'wss://mr1.levanger.example/larmor')).toEqual({ errors: ['That gateway is already on the list'] });
    expect(addSite(sites, '', 'wss://b.example')).toEqual({ errors: ['Enter the scanner’s name'] });
    const bad = addSite(sites, 'B', 'https://b.example');
    expect('errors' in bad && bad.errors.join(' ')).toMatch(/ws:\/\/ or wss:\/\//);
  });
});

describe('connect screen mode', () => {
  it('offers the whole desk when there is a list, one gateway when the shell handed one over', () => {
    expect(initialConnectMode('?sites=%5B%5D', 2, false)).toBe('desk');
    expect(initialConnectMode('', 2, false)).toBe('desk');
    expect(initialConnectMode('?gateway=ws%3A%2F%2Fx&role=observer', 2, false)).toBe('single');
    expect(initialConnectMode('?gateway=ws%3A%2F%2Fx', 2, true)).toBe('desk');
    expect(initialConnectMode('', 0, false)).toBe('single');
  });
});
