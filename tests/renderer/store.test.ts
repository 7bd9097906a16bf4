import { beforeEach, describe, expect, it } from 'vitest';
import { createAppStore, resetAppStore, type AppStore } from '../../renderer/src/store/store.js';
import { wireLarmor } from '../../renderer/src/store/wire-larmor.js';
import { LOG_CAPACITY } from '../../renderer/src/store/log-slice.js';
import { API_MISSING } from '../../renderer/src/store/types.js';
import { commandView, fakeApi, sequence, settle, snapshot, view } from './fixtures.js';
import { preview } from './viewer/images.js';
import type { LogEntry } from '../../protocol/api.js';

const NOW = '2026-01-01T10:00:00.000Z';
let fake: ReturnType<typeof fakeApi>;
let store: AppStore;

beforeEach(() => {
  fake = fakeApi();
  store = createAppStore({ api: () => fake.api, now: () => NOW });
});

const entry = (text: string): LogEntry => ({ at: NOW, kind: 'notice', level: 'info', text });

describe('wireLarmor', () => {
  it('puts every pushed workstation view into the store', () => {
    wireLarmor(fake.api, store);
    fake.pushView(view());
    expect(store.getState().link.status).toBe('connected');
    expect(store.getState().snapshot?.queue).toHaveLength(2);
  });
  it('appends pushed log entries in arrival order', () => {
    wireLarmor(fake.api, store);
    fake.pushLog(entry('first'));
    fake.pushLog(entry('second'));
    expect(store.getState().log.map((e) => e.text)).toEqual(['first', 'second']);
  });
  it("empties the viewer when a new exam opens, so one patient's images never sit beside the next's", () => {
    wireLarmor(fake.api, store);
    const exam = snapshot().exam!;
    fake.pushView(view({ snapshot: snapshot({ exam: { ...exam, studyUid: '2.25.1' } }) }));
    store.getState().receiveImage(preview());
    fake.pushView(view({ snapshot: snapshot({ exam: { ...exam, studyUid: '2.25.1' } }) }));
    expect(store.getState().seriesOrder).toHaveLength(1);
    fake.pushView(view({ snapshot: snapshot({ exam: null }) }));
    expect(store.getState().seriesOrder).toHaveLength(1);
    fake.pushView(view({ snapshot: snapshot({ exam: { ...exam, studyUid: '2.25.2' } }) }));
    expect(store.getState().seriesOrder).toEqual([]);
  });
  it('unsubscribes from everything it subscribed to', () => {
    const unwire = wireLarmor(fake.api, store);
    unwire();
    expect(fake.stateListeners.size).toBe(0);
    expect(fake.logListeners.size).toBe(0);
    fake.pushLog(entry('late'));
    expect(store.getState().log).toEqual([]);
  });
});

describe('scanner slice', () => {
  it('keeps the selected sequence while it stays in the queue', () => {
    store.getState().receiveView(view());
    store.getState().selectSequence('b');
    store.getState().receiveView(view());
    expect(store.getState().selectedSequenceId).toBe('b');
  });
  it('drops the selection when the selected sequence is removed', () => {
    store.getState().receiveView(view());
    store.getState().selectSequence('b');
    store.getState().receiveView(view({ snapshot: snapshot({ queue: [sequence('a', 'queued')] }) }));
    expect(store.getState().selectedSequenceId).toBeNull();
  });
  it('keeps the core list of recent commands', () => {
    const commands = [commandView({ name: 'scan.start' }, 'done')];
    store.getState().receiveView(view({ commands }));
    expect(store.getState().recentCommands).toEqual(commands);
  });
});

describe('command slice', () => {
  it('shows a command as pending at its origin until the core answers', async () => {
    const sending = store.getState().sendCommand('scan', { name: 'scan.start' });
    expect(store.getState().outcomes.scan).toEqual({ state: 'pending', command: { name: 'scan.start' }, sentAt: NOW });
    fake.sent[0].resolve(commandView({ name: 'scan.start' }, 'done'));
    await sending;
    expect(store.getState().outcomes.scan.state).toBe('done');
  });
  it('shows a refusal with its code and reason', async () => {
    const sending = store.getState().sendCommand('scan', { name: 'scan.start' });
    fake.sent[0].resolve(commandView({ name: 'scan.start' }, 'rejected', 'LARMOR_E_NOT_CONTROL_HOLDER', 'control is held by Ana'));
    await sending;
    expect(store.getState().outcomes.scan).toMatchObject({
      state: 'rejected',
      code: 'LARMOR_E_NOT_CONTROL_HOLDER',
      reason: 'control is held by Ana',
    });
  });
  it('shows a failed call (IPC gate) as refused with the error code', async () => {
    const sending = store.getState().sendCommand('exam', { name: 'exam.close' });
    fake.sent[0].reject(Object.assign(new Error('payload failed validation'), { code: 'LARMOR_E_IPC_INVALID_PAYLOAD' }));
    expect(await sending).toBeNull();
    expect(store.getState().outcomes.exam).toMatchObject({ state: 'rejected', code: 'LARMOR_E_IPC_INVALID_PAYLOAD', reason: 'payload failed validation' });
  });
  it('keeps outcomes of different origins apart', async () => {
    const a = store.getState().sendCommand('scan', { name: 'scan.stop' });
    const b = store.getState().sendCommand('queue:x', { name: 'sequence.remove', sequenceId: 'x' });
    fake.sent[1].resolve(commandView({ name: 'sequence.remove', sequenceId: 'x' }, 'done'));
    await b;
    expect(store.getState().outcomes['queue:x'].state).toBe('done');
    expect(store.getState().outcomes.scan.state).toBe('pending');
    fake.sent[0].resolve(commandView({ name: 'scan.stop' }, 'done'));
    await a;
  });
  it('does not let a late answer to an older command overwrite a newer one from the same control', async () => {
    const first = store.getState().sendCommand('scan', { name: 'scan.pause' });
    const second = store.getState().sendCommand('scan', { name: 'scan.stop' });
    fake.sent[1].resolve(commandView({ name: 'scan.stop' }, 'done'));
    await second;
    fake.sent[0].resolve(commandView({ name: 'scan.pause' }, 'rejected', 'LARMOR_E_INVALID_STATE', 'not acquiring'));
    await first;
    expect(store.getState().outcomes.scan).toMatchObject({ state: 'done', command: { name: 'scan.stop' } });
  });
  it('refuses at once with a clear code when window.larmor is missing', async () => {
    const bare = createAppStore({ api: () => null, now: () => NOW });
    expect(await bare.getState().sendCommand('scan', { name: 'scan.start' })).toBeNull();
    expect(bare.getState().outcomes.scan).toMatchObject({ state: 'rejected', code: API_MISSING.code });
  });
  it('clears an outcome', async () => {
    const sending = store.getState().sendCommand('scan', { name: 'scan.start' });
    store.getState().clearOutcome('scan');
    fake.sent[0].resolve(commandView({ name: 'scan.start' }, 'done'));
    await sending;
    expect(store.getState().outcomes.scan).toBeUndefined();
  });
});

describe('link slice', () => {
  it('passes the connect request to window.larmor and clears pending when done', async () => {
    const request = { url: 'ws://127.0.0.1:9/', role: 'operator' as const, name: 'Me' };
    const connecting = store.getState().connect(request);
    expect(store.getState().linkCallPending).toBe(true);
    await connecting;
    expect(fake.connects).toEqual([request]);
    expect(store.getState().linkCallPending).toBe(false);
    expect(store.getState().linkCallError).toBeNull();
  });
  it('keeps the code and message of a failed connect call', async () => {
    fake.failConnectWith(Object.assign(new Error('the workstation core is not reachable'), { code: 'LARMOR_E_LINK_DOWN' }));
    await store.getState().connect({ url: 'ws://127.0.0.1:9/', role: 'operator', name: 'Me' });
    expect(store.getState().linkCallError).toEqual({ code: 'LARMOR_E_LINK_DOWN', message: 'the workstation core is not reachable' });
  });
  it('reports a missing window.larmor instead of throwing', async () => {
    const bare = createAppStore({ api: () => null, now: () => NOW });
    await bare.getState().connect({ url: 'ws://127.0.0.1:9/', role: 'operator', name: 'Me' });
    expect(bare.getState().linkCallError?.code).toBe(API_MISSING.code);
  });
});

describe('log slice', () => {
  it('takes a pushed batch of entries in one store update, in order', () => {
    wireLarmor(fake.api, store);
    let updates = 0;
    store.subscribe((state, previous) => void (state.log !== previous.log && updates++));
    fake.pushLogs(Array.from({ length: 1000 }, (_, i) => entry(`b${i}`)));
    expect(updates).toBe(1);
    expect(store.getState().log.map((e) => e.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `b${i}`));
    fake.pushLogs([entry('one more')]);
    expect(store.getState().log).toHaveLength(LOG_CAPACITY);
    expect(store.getState().log[0]!.text).toBe('b1');
    expect(store.getState().log.at(-1)!.text).toBe('one more');
  });

  it('keeps the newest entries when it reaches capacity', () => {
    for (let i = 0; i < LOG_CAPACITY + 5; i++) store.getState().appendLog(entry(`e${i}`));
    const log = store.getState().log;
    expect(log).toHaveLength(LOG_CAPACITY);
    expect(log[0].text).toBe('e5');
    expect(log[log.length - 1].text).toBe(`e${LOG_CAPACITY + 4}`);
  });
});

describe('resetAppStore', () => {
  it('returns every slice to its initial state and keeps the actions working', async () => {
    store.getState().receiveView(view());
    store.getState().appendLog(entry('x'));
    store.getState().selectSequence('a');
    resetAppStore(store);
    const state = store.getState();
    expect(state.link.status).toBe('disconnected');
    expect(state.snapshot).toBeNull();
    expect(state.log).toEqual([]);
    expect(state.selectedSequenceId).toBeNull();
    expect(state.outcomes).toEqual({});
    state.appendLog(entry('after'));
    expect(store.getState().log).toHaveLength(1);
    await settle();
  });
});
