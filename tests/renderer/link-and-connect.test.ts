import { describe, expect, it } from 'vitest';
import { screenFor } from '../../renderer/src/logic/link.js';
import { presentLinkStatus } from '../../base/browser/status-words.js';
import { CONNECT_STORAGE_KEY, loadConnectDefaults, rememberConnectValues, type KeyValueStore } from '../../renderer/src/logic/connect-defaults.js';
import type { LinkStatus } from '../../protocol/api.js';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStore & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('screenFor', () => {
  it('shows the session when connected', () => {
    expect(screenFor({ status: 'connected' }, true)).toBe('session');
  });
  it('keeps the session on screen through a lost link or a reconnect', () => {
    expect(screenFor({ status: 'lost' }, true)).toBe('session');
    expect(screenFor({ status: 'connecting' }, true)).toBe('session');
  });
  it('stays on the connect screen while a first connect is in progress', () => {
    expect(screenFor({ status: 'connecting' }, false)).toBe('connect');
  });
  it('returns to the connect screen after a refusal or a disconnect', () => {
    expect(screenFor({ status: 'refused' }, true)).toBe('connect');
    expect(screenFor({ status: 'disconnected' }, true)).toBe('connect');
  });
});

describe('presentLinkStatus', () => {
  it('gives every link status a distinct word and icon, not only a colour', () => {
    const statuses: LinkStatus[] = ['connected', 'connecting', 'lost', 'refused', 'disconnected'];
    const shown = statuses.map(presentLinkStatus);
    expect(new Set(shown.map((p) => p.word)).size).toBe(statuses.length);
    expect(new Set(shown.map((p) => p.icon)).size).toBe(statuses.length);
    expect(presentLinkStatus('lost').tone).toBe('bad');
    expect(presentLinkStatus('connected').tone).toBe('ok');
  });
});

describe('connect form defaults', () => {
  it('starts empty as an operator with nothing remembered', () => {
    expect(loadConnectDefaults('', memoryStorage())).toEqual({ url: '', role: 'operator', name: '' });
  });
  it('prefers the gateway URL the shell passes in ?gateway=', () => {
    const storage = memoryStorage({ [CONNECT_STORAGE_KEY]: JSON.stringify({ url: 'ws://old:1/', role: 'observer', name: 'Kim' }) });
    expect(loadConnectDefaults('?gateway=ws%3A%2F%2F127.0.0.1%3A8080%2Fgw', storage)).toEqual({
      url: 'ws://127.0.0.1:8080/gw',
      role: 'observer',
      name: 'Kim',
    });
  });
  it('remembers the last values and reads them back', () => {
    const storage = memoryStorage();
    rememberConnectValues(storage, { url: 'wss://gw:8443/', role: 'observer', name: 'Kim' });
    expect(loadConnectDefaults('', storage)).toEqual({ url: 'wss://gw:8443/', role: 'observer', name: 'Kim' });
  });
  it('ignores corrupt or foreign remembered values', () => {
    expect(loadConnectDefaults('', memoryStorage({ [CONNECT_STORAGE_KEY]: '{not json' }))).toEqual({ url: '', role: 'operator', name: '' });
    const onsite = memoryStorage({ [CONNECT_STORAGE_KEY]: JSON.stringify({ role: 'onsite', name: 7 }) });
    expect(loadConnectDefaults('', onsite)).toEqual({ url: '', role: 'operator', name: '' });
  });
  it('survives storage that throws (disabled or full)', () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(() => rememberConnectValues(broken, { url: 'ws://a/', role: 'operator', name: 'x' })).not.toThrow();
    expect(loadConnectDefaults('', broken).url).toBe('');
    expect(loadConnectDefaults('', null).role).toBe('operator');
  });
});
