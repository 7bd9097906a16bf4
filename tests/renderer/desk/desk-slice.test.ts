import { beforeEach, describe, expect, it } from 'vitest';
import type { DeskApi, DeskView } from '../../../protocol/desk.js';
import { createAppStore, type AppStore } from '../../../renderer/src/store/store.js';
import { wireLarmor } from '../../../renderer/src/store/wire-larmor.js';
import { wireDesk } from '../../../renderer/src/store/wire-desk.js';
import { deskHoldsSession, deskShowsFocusedEmergency, deskShown } from '../../../renderer/src/desk/desk-session.js';
import { fakeApi, settle, snapshot, view } from '../fixtures.js';
import { preview } from '../viewer/images.js';
import { deskAlarm, deskTile, deskView } from './desk-fixtures.js';
import { pendingAlarms } from '../../../renderer/src/desk/alarms.js';

const NOW = '2026-01-01T10:00:00.000Z';
let fake: ReturnType<typeof fakeApi>;
let store: AppStore;
let deskListeners: Set<(view: DeskView) => void>;
let calls: string[];

beforeEach(() => {
  fake = fakeApi();
  deskListeners = new Set();
  calls = [];
  const desk: DeskApi = {
    connect: async () => void calls.push('connect'),
    focus: async (siteId) => void calls.push(`focus ${siteId}`),
    acknowledge: async (siteId, alarmId) => void calls.push(`acknowledge ${siteId} ${alarmId}`),
    subscribe: (listener) => {
      deskListeners.add(listener);
      return () => deskListeners.delete(listener);
    },
  };
  fake.api.desk = desk;
  store = createAppStore({ api: () => fake.api, now: () => NOW });
  wireLarmor(fake.api, store);
  wireDesk(fake.api, store);
});

const pushDesk = (v: DeskView) => deskListeners.forEach((l) => l(v));
const threeScanners = () => deskView([deskTile('a'), deskTile('b'), deskTile('c')], 'a');

describe('desk slice', () => {
  it('keeps the pushed desk view', () => {
    pushDesk(threeScanners());
    expect(store.getState().desk?.tiles.map((t) => t.site.id)).toEqual(['a', 'b', 'c']);
    expect(store.getState().consoleSiteId).toBe('a');
  });

  it('empties the console of the last scanner before it asks the core to focus another', async () => {
    pushDesk(threeScanners());
    fake.pushView(view());
    fake.pushLog({ at: NOW, kind: 'notice', level: 'info', text: 'from A' });
    store.getState().receiveImage(preview());
    await store.getState().focusScanner('c');
    const state = store.getState();
    expect(calls).toEqual(['focus c']);
    expect(state.desk?.focusedSiteId).toBe('c');
    expect(state.snapshot).toBeNull();
    expect(state.log).toEqual([]);
    expect(state.seriesOrder).toEqual([]);
  });

  it("keeps the new scanner's state and log that the core pushes after the switch", async () => {
    pushDesk(threeScanners());
    await store.getState().focusScanner('b');
    const exam = snapshot().exam!;
    fake.pushView(view({ snapshot: snapshot({ exam: { ...exam, studyUid: '2.25.99' } }) }));
    fake.pushLog({ at: NOW, kind: 'notice', level: 'info', text: 'from B' });
    store.getState().receiveImage(preview());
    pushDesk({ ...threeScanners(), focusedSiteId: 'b' });
    expect(store.getState().snapshot?.exam?.studyUid).toBe('2.25.99');
    expect(store.getState().log.map((e) => e.text)).toEqual(['from B']);
    expect(store.getState().seriesOrder).toHaveLength(1);
  });

  it('does nothing when the scanner is already on the console or not on the desk', async () => {
    pushDesk(threeScanners());
    fake.pushLog({ at: NOW, kind: 'notice', level: 'info', text: 'from A' });
    await store.getState().focusScanner('a');
    await store.getState().focusScanner('zz');
    expect(calls).toEqual([]);
    expect(store.getState().log).toHaveLength(1);
  });

  it('switches the console when the core focuses another scanner itself', () => {
    pushDesk(threeScanners());
    fake.pushLog({ at: NOW, kind: 'notice', level: 'info', text: 'from A' });
    pushDesk({ ...threeScanners(), focusedSiteId: 'c' });
    expect(store.getState().consoleSiteId).toBe('c');
    expect(store.getState().log).toEqual([]);
  });

  it('acknowledges an alarm at its scanner and shows it pending until the desk says it is acknowledged', async () => {
    const alarm = deskAlarm('c', 'emergency-stop', NOW);
    pushDesk(deskView([deskTile('a'), deskTile('c', { alarms: [alarm] })], 'a'));
    const acknowledging = store.getState().acknowledgeAlarm('c', alarm.id);
    expect(store.getState().acknowledging[alarm.id]).toBe(true);
    await acknowledging;
    expect(calls).toEqual([`acknowledge c ${alarm.id}`]);
    pushDesk(deskView([deskTile('a'), deskTile('c', { alarms: [{ ...alarm, acknowledged: true }] })], 'a'));
    expect(store.getState().acknowledging).toEqual({});
  });

  it('shows a refused acknowledgement with its code and lets it be tried again', async () => {
    fake.api.desk!.acknowledge = () => Promise.reject(Object.assign(new Error('link down'), { code: 'LARMOR_E_LINK_DOWN' }));
    const alarm = deskAlarm('c', 'help-call', NOW);
    pushDesk(deskView([deskTile('c', { alarms: [alarm] })]));
    await store.getState().acknowledgeAlarm('c', alarm.id);
    await settle();
    expect(store.getState().deskCallError).toEqual({ code: 'LARMOR_E_LINK_DOWN', message: 'link down' });
    expect(store.getState().acknowledging).toEqual({});
  });
});

describe('desk and the session screen', () => {
  it('keeps the session while any scanner has a link, and goes back to connect when none has', () => {
    expect(deskHoldsSession(null)).toBe(false);
    expect(deskHoldsSession(deskView([deskTile('a', { link: 'refused' }), deskTile('b', { link: 'lost' })]))).toBe(true);
    expect(deskHoldsSession(deskView([deskTile('a', { link: 'refused' }), deskTile('b', { link: 'disconnected' })]))).toBe(false);
  });

  it("lets the alarm bar carry the focused scanner's emergency stop instead of the console banner", () => {
    const estop = deskAlarm('a', 'emergency-stop', NOW);
    expect(deskShowsFocusedEmergency(deskView([deskTile('a', { alarms: [estop] }), deskTile('b')], 'a'))).toBe(true);
    expect(deskShowsFocusedEmergency(deskView([deskTile('a', { alarms: [estop] }), deskTile('b')], 'b'))).toBe(false);
  });
});

describe('a desk of one', () => {
  it('is the console alone: no tiles, no alarm bar, the console banner keeps its emergency stop', () => {
    const estop = deskAlarm('gateway', 'emergency-stop', NOW);
    const one = deskView([deskTile('gateway', { alarms: [estop] })]);
    expect(deskShown(one)).toBe(false);
    expect(deskHoldsSession(one)).toBe(false);
    expect(deskShowsFocusedEmergency(one)).toBe(false);
  });
});

describe('an observer on the desk', () => {
  it("silences an alarm in this window when the gateway does not take an observer's acknowledgement", async () => {
    fake.api.desk!.acknowledge = () => Promise.reject(Object.assign(new Error('observers are receive-only'), { code: 'LARMOR_E_OBSERVER_RECEIVE_ONLY' }));
    const alarm = deskAlarm('c', 'help-call', NOW);
    pushDesk(deskView([deskTile('a'), deskTile('c', { alarms: [alarm] })]));
    await store.getState().acknowledgeAlarm('c', alarm.id);
    expect(store.getState().deskCallError).toBeNull();
    expect(pendingAlarms(store.getState().desk, store.getState().seenByObserver)).toEqual([]);
  });
});
