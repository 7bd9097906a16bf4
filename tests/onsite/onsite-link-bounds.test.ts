import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, MAX_FRAME_BYTES, MAX_MARKS_PER_EXAM, MAX_MARKS_PER_IMAGE, PROTOCOL_VERSION, type Mark, type Participant } from '../../protocol/index.js';
import { seenBy, standingAlarm } from '../../onsite/src/banner-alarm.js';
import { exceedsFrameLimit } from '../../onsite/src/frame-limit.js';
import { OnsiteLink, type OnsiteLinkView } from '../../onsite/src/onsite-link.js';
import { VIEW_INTERVAL_MS, ViewPacer } from '../../onsite/src/view-pacer.js';
import { snapshot } from '../renderer/fixtures.js';
import { FakeSocket } from './fake-socket.js';

/**
 * The onsite console's link to a gateway that sends more than a sound one would: a flood of
 * notices after a call for help, marks past the gateway's limits, frames past the frame limit,
 * thousands of participants, names of megabytes, a second welcome; and to one that refuses its
 * hello. Over a stand-in for the page's WebSocket, with fake timers: what is counted is what the
 * page keeps, how many views it publishes and when it connects again, never how long it takes.
 */

const BOOT = 'boot-1';
const AT = '2026-01-01T10:00:00.000Z';
let seq = 0;
const notice = (level: 'info' | 'warning' | 'alarm', text: string, extra: Record<string, unknown> = {}) => ({
  type: 'event',
  seq: ++seq,
  at: AT,
  body: { kind: 'notice', level, text, ...extra },
});
const helpCall = () => notice('alarm', 'HELP CALLED by Olivia', { alarm: { kind: 'help-call', detail: 'by Olivia', by: 'Olivia' } });
const emergencyStop = () => notice('alarm', 'EMERGENCY STOP by Olivia', { alarm: { kind: 'emergency-stop', detail: 'by Olivia', by: 'Olivia' } });
const seenNotice = (alarmSeq: number, by: string) => notice('info', `${by} saw the call for help`, { seen: { seq: alarmSeq, by } });
const participant = (sessionId: string, role: Participant['role'], name = sessionId): Participant => ({ sessionId, name, role, connectedAt: AT });
const welcome = (participants: Participant[] = [participant('me', 'onsite', 'Olivia')]) => ({
  type: 'welcome',
  version: PROTOCOL_VERSION,
  session: { id: 'me', role: 'onsite', name: 'Olivia' },
  bootId: BOOT,
  heartbeat: { intervalMs: 250 },
  policy: { onOperatorLoss: 'control returns to onsite', fallbackInstructions: 'phone 1234', controlGraceS: 30 },
  snapshot: snapshot({ participants, control: { holderSessionId: null, holderName: null } }),
  lastSeq: 0,
});
const mark = (id: string, sopInstanceUid: string): Mark => ({
  id,
  at: AT,
  sopInstanceUid,
  shape: 'arrow',
  points: [
    [0, 0],
    [10, 10],
  ],
  by: { name: 'Rita', role: 'operator' },
});
const event = (body: Record<string, unknown>) => ({ type: 'event', seq: ++seq, at: AT, body });

let link: OnsiteLink;
let socket: FakeSocket;
let views: OnsiteLinkView[];
const view = () => views.at(-1)!;
/** Past any interval the link waits to publish its view. */
const settle = () => vi.advanceTimersByTime(100);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  link = new OnsiteLink('ws://gateway.test/', 'credential');
  link.open();
  socket = FakeSocket.last!;
  socket.open();
  socket.receive(welcome());
  views = [];
  link.subscribe((v) => views.push(v));
  settle();
});

afterEach(() => {
  link.close();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a welcome on a link already welcomed', () => {
  it('is not taken: the session and the participants stay, and it is counted as unread', () => {
    socket.receive({ ...welcome([participant('someone-else', 'onsite', 'Mallory')]), session: { id: 'someone-else', role: 'onsite', name: 'Mallory' } });
    settle();
    expect(view().sessionId).toBe('me');
    expect(view().snapshot?.participants.map((p) => p.name)).toEqual(['Olivia']);
    expect(view().unread).toMatchObject({ count: 1, code: ErrorCode.ALREADY_GREETED });
  });

  it('is taken again on the next socket, after the link was lost', () => {
    socket.close();
    vi.advanceTimersByTime(60_000);
    const next = FakeSocket.last!;
    expect(next).not.toBe(socket);
    next.open();
    next.receive({ ...welcome(), session: { id: 'me-again', role: 'onsite', name: 'Olivia' } });
    settle();
    expect(view()).toMatchObject({ status: 'connected', sessionId: 'me-again', unread: null });
  });
});

describe('a hello the gateway refuses', () => {
  /** The link lost, and the next socket's hello answered with `refused`, then closed as the gateway does. */
  function refusedOnReconnect(code: string): FakeSocket {
    socket.close();
    vi.advanceTimersByTime(60_000);
    const next = FakeSocket.last!;
    next.open();
    next.receive({ type: 'refused', code, reason: 'Olivia already has 8 sessions on this gateway: close one first' });
    next.close();
    settle();
    return next;
  }

  it('for want of room, is tried again until the gateway has room, saying why meanwhile', () => {
    const refused = refusedOnReconnect(ErrorCode.TOO_MANY_SESSIONS);
    expect(view()).toMatchObject({ status: 'lost', error: expect.stringContaining(`refused this console for now (${ErrorCode.TOO_MANY_SESSIONS}: Olivia`) });
    vi.advanceTimersByTime(60_000);
    const next = FakeSocket.last!;
    expect(next).not.toBe(refused);
    next.open();
    next.receive(welcome());
    settle();
    expect(view()).toMatchObject({ status: 'connected', error: null });
  });

  it('for any other reason, ends the link: the same hello would be refused again', () => {
    const refused = refusedOnReconnect(ErrorCode.CREDENTIAL_EXPIRED);
    expect(view()).toMatchObject({ status: 'refused', error: expect.stringContaining(ErrorCode.CREDENTIAL_EXPIRED) });
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.last).toBe(refused);
  });
});

describe('the onsite banner after a flood of notices', () => {
  it('still shows a call for help that 250 routine notices came after, until it is acknowledged here', () => {
    const call = helpCall();
    socket.receive(call);
    for (let i = 0; i < 250; i++) socket.receive(notice('info', `routine note ${i}`));
    settle();
    const alarm = standingAlarm(view().notices, false, null);
    expect(alarm?.seq).toBe(call.seq);
    expect(alarm?.text).toBe('HELP CALLED by Olivia');
    // The event log keeps its newest 200 routine notices beside it.
    expect(view().notices.filter((n) => n.level === 'info')).toHaveLength(200);

    // Seen by a remote technologist after the flood: the banner says so.
    socket.receive(seenNotice(call.seq, 'Rita'));
    for (let i = 0; i < 250; i++) socket.receive(notice('info', `more routine ${i}`));
    settle();
    expect(seenBy(view().notices, alarm!).map((s) => s.by)).toEqual(['Rita']);
    // Acknowledged here: the banner clears.
    expect(standingAlarm(view().notices, false, alarm)).toBeNull();
  });

  it('keeps an emergency stop under a flood of warnings, with the event log bounded', () => {
    const stop = emergencyStop();
    socket.receive(stop);
    for (let i = 0; i < 1000; i++) socket.receive(notice(i % 2 ? 'info' : 'warning', `note ${i}`));
    settle();
    expect(standingAlarm(view().notices, false, null)?.seq).toBe(stop.seq);
    expect(view().notices).toHaveLength(201);
  });

  it('keeps the newest 50 alarms of a flood of alarms, the newest on the banner', () => {
    const calls = Array.from({ length: 120 }, helpCall);
    for (const call of calls) socket.receive(call);
    settle();
    const alarms = view().notices.filter((n) => n.level === 'alarm');
    expect(alarms.map((n) => n.seq)).toEqual(calls.slice(-50).map((c) => c.seq));
    expect(standingAlarm(view().notices, false, null)?.seq).toBe(calls.at(-1)!.seq);
  });

  it('from the gateway’s history: keeps a call that had been seen off the banner after a flood, and one no one had seen on it', () => {
    const answered = helpCall();
    const seen = seenNotice(answered.seq, 'Rita');
    socket.receive({ type: 'notice.history', events: [answered, seen] });
    for (let i = 0; i < 300; i++) socket.receive(notice('info', `routine note ${i}`));
    settle();
    expect(standingAlarm(view().notices, false, null)).toBeNull();

    // Reconnected: the history again, with a call made while the link was down.
    const unseen = helpCall();
    socket.receive({ type: 'notice.history', events: [answered, seen, unseen] });
    for (let i = 0; i < 300; i++) socket.receive(notice('info', `more routine ${i}`));
    settle();
    const alarm = standingAlarm(view().notices, false, null);
    expect(alarm?.seq).toBe(unseen.seq);
    expect(view().notices.filter((n) => n.seq === answered.seq)).toHaveLength(1);
    expect(standingAlarm(view().notices, false, alarm)).toBeNull();
  });

  it('names the first four who saw an alarm, each name cut to 64 characters, and keeps the others in the event log', () => {
    const call = helpCall();
    socket.receive(call);
    socket.receive(seenNotice(call.seq, 'R'.repeat(100_000)));
    for (let i = 0; i < 9; i++) socket.receive(seenNotice(call.seq, `Observer ${i}`));
    settle();
    const alarm = standingAlarm(view().notices, false, null)!;
    expect(seenBy(view().notices, alarm).map((s) => s.by)).toEqual([`${'R'.repeat(64)}…`, 'Observer 0', 'Observer 1', 'Observer 2']);
    expect(view().notices.filter((n) => n.seq > call.seq)).toHaveLength(10);
    expect(view().notices.at(-1)?.text).toBe('Observer 8 saw the call for help');
  });

  it('cuts a notice’s text to 2,000 characters, with an ellipsis', () => {
    socket.receive(notice('info', 'x'.repeat(100_000)));
    settle();
    const text = view().notices.at(-1)!.text;
    expect(text).toHaveLength(2001);
    expect(text.endsWith('x…')).toBe(true);
  });
});

describe('the onsite view under a burst of messages', () => {
  it('is published once per interval, not once per message, and an alarm after a quiet spell at once', () => {
    const before = views.length;
    for (let i = 0; i < 1000; i++) socket.receive(notice('info', `routine note ${i}`));
    const stop = emergencyStop();
    socket.receive(stop);
    // The first message after a quiet spell goes at once; the rest of the burst with the next interval.
    expect(views.length - before).toBe(1);
    settle();
    expect(views.length - before).toBe(2);
    expect(standingAlarm(view().notices, false, null)?.seq).toBe(stop.seq);

    // After a quiet spell, an alarm is in the view the moment it is received.
    settle();
    const call = helpCall();
    socket.receive(call);
    expect(views.length - before).toBe(3);
    expect(standingAlarm(view().notices, false, null)?.seq).toBe(call.seq);
  });
});

describe('the pacer of the onsite view', () => {
  /** A pacer on a clock the test moves, recording the time of each publish. */
  function pacedAt(start: number) {
    const clock = { now: start };
    const published: number[] = [];
    const pacer = new ViewPacer(
      () => published.push(clock.now),
      () => clock.now,
    );
    return { pacer, published, clock };
  }

  it('publishes a change at once after a quiet interval, and the changes within one interval together when it ends', () => {
    const { pacer, published, clock } = pacedAt(1000);
    pacer.changed();
    pacer.changed();
    pacer.changed();
    expect(published).toEqual([1000]);
    clock.now += VIEW_INTERVAL_MS;
    vi.advanceTimersByTime(VIEW_INTERVAL_MS);
    expect(published).toEqual([1000, 1016]);
    vi.advanceTimersByTime(1000);
    expect(published).toHaveLength(2);
    pacer.stop();
  });

  it('publishes what is due when poked once the interval is over, without waiting for its own timer (throttled in a hidden page)', () => {
    const { pacer, published, clock } = pacedAt(1000);
    pacer.changed();
    pacer.changed();
    // The timer has not fired (a hidden page's wake once a second); a heartbeat tick or a message does it.
    clock.now += VIEW_INTERVAL_MS + 5;
    pacer.poke();
    expect(published).toEqual([1000, 1021]);
    vi.advanceTimersByTime(1000);
    expect(published).toHaveLength(2);
    // Nothing due: a poke publishes nothing.
    clock.now += 100;
    pacer.poke();
    expect(published).toHaveLength(2);
  });
});

describe('the open exam’s marks on the onsite console', () => {
  it('holds at most the gateway’s limits, the newest, each mark once', () => {
    for (let i = 0; i < 80; i++) socket.receive(event({ kind: 'mark', mark: mark(`one-${i}`, '1.2.3.1') }));
    settle();
    const onOne = view().collab!.marks.filter((m) => m.sopInstanceUid === '1.2.3.1');
    expect(onOne).toHaveLength(MAX_MARKS_PER_IMAGE);
    expect(onOne.at(0)?.id).toBe(`one-${80 - MAX_MARKS_PER_IMAGE}`);
    expect(onOne.at(-1)?.id).toBe('one-79');

    // Over the whole exam: 40 images of 40 marks.
    for (let i = 0; i < 1600; i++) socket.receive(event({ kind: 'mark', mark: mark(`m-${i}`, `1.2.3.${100 + (i % 40)}`) }));
    // Replayed: a mark already held is not held twice.
    socket.receive(event({ kind: 'mark', mark: mark('m-1599', '1.2.3.139') }));
    settle();
    const marks = view().collab!.marks;
    expect(marks).toHaveLength(MAX_MARKS_PER_EXAM);
    expect(new Set(marks.map((m) => m.id)).size).toBe(MAX_MARKS_PER_EXAM);
    expect(marks.at(0)?.id).toBe(`m-${1600 - MAX_MARKS_PER_EXAM}`);
    expect(marks.at(-1)?.id).toBe('m-1599');
  });

  it('takes an image’s whole set, and a catch-up, within the same limits', () => {
    socket.receive(event({ kind: 'marks', sopInstanceUid: '1.2.3.9', marks: Array.from({ length: 70 }, (_, i) => mark(`set-${i}`, '1.2.3.9')) }));
    settle();
    expect(view().collab!.marks.map((m) => m.id)).toEqual(Array.from({ length: MAX_MARKS_PER_IMAGE }, (_, i) => `set-${i + 20}`));
    socket.receive(event({ kind: 'marks', sopInstanceUid: '1.2.3.9', marks: [] }));
    settle();
    expect(view().collab!.marks).toEqual([]);

    const many = Array.from({ length: 5000 }, (_, i) => mark(`c-${i}`, `1.2.3.${i % 100}`));
    socket.receive({ type: 'collab.state', state: { chat: [], marks: many, proposals: [], handover: null, plans: [] } });
    settle();
    expect(view().collab!.marks).toHaveLength(MAX_MARKS_PER_EXAM);
    expect(view().collab!.marks.at(-1)?.id).toBe('c-4999');
  });
});

describe('a frame larger than any client accepts', () => {
  it('is dropped unread and shown as not read; the link goes on, and the alarm after it is shown', () => {
    socket.receive(notice('info', 'z'.repeat(MAX_FRAME_BYTES)));
    const call = helpCall();
    socket.receive(call);
    settle();
    expect(view().unread).toMatchObject({ count: 1, code: ErrorCode.FRAME_TOO_LARGE });
    expect(view().notices.some((n) => n.text.startsWith('zzz'))).toBe(false);
    expect(standingAlarm(view().notices, false, null)?.seq).toBe(call.seq);
    // Still linked: its heartbeats go on.
    const pings = socket.sent.length;
    vi.advanceTimersByTime(1000);
    expect(socket.sent.length).toBeGreaterThan(pings);
  });

  it('drops a binary frame over the limit before the image worker gets it, counted the same way; one within it goes on', () => {
    const posted: unknown[] = [];
    vi.stubGlobal(
      'Worker',
      class {
        onmessage = null;
        onerror = null;
        postMessage(message: unknown) {
          posted.push(message);
        }
        terminate() {}
      },
    );
    link.subscribeImages(() => undefined);
    expect(exceedsFrameLimit(new ArrayBuffer(11), 10)).toBe(true);
    socket.receiveBinary(new ArrayBuffer(MAX_FRAME_BYTES + 1));
    settle();
    expect(view().unread).toMatchObject({ count: 1, code: ErrorCode.FRAME_TOO_LARGE });
    expect(posted).toEqual([]);

    const frame = new ArrayBuffer(1024);
    socket.receiveBinary(frame);
    settle();
    expect(posted).toEqual([frame]);
    expect(view().unread?.count).toBe(1);
  });

  it('counts a frame that is not a valid message the same way', () => {
    socket.receive('{"type":"event"');
    socket.receive({ type: 'event', seq: 1, at: AT, body: { kind: 'notice' } });
    settle();
    expect(view().unread).toMatchObject({ count: 2, code: ErrorCode.INVALID_MESSAGE });
  });

  it('is told by its UTF-8 length, counted only near the limit', () => {
    expect(exceedsFrameLimit('a'.repeat(10), 10)).toBe(false);
    expect(exceedsFrameLimit('a'.repeat(11), 10)).toBe(true);
    // é is two bytes, € three, 😀 (a surrogate pair) four.
    expect(exceedsFrameLimit('é'.repeat(5), 10)).toBe(false);
    expect(exceedsFrameLimit('é'.repeat(6), 10)).toBe(true);
    expect(exceedsFrameLimit('€€€a', 10)).toBe(false);
    expect(exceedsFrameLimit('€€€ab', 10)).toBe(true);
    expect(exceedsFrameLimit('😀😀ab', 10)).toBe(false);
    expect(exceedsFrameLimit('😀😀abc', 10)).toBe(true);
  });
});

describe('participants the gateway lists', () => {
  it('are kept up to as many sessions as a gateway can hold, this console and the control holder always', () => {
    socket.receive(
      event({
        kind: 'scanner',
        snapshot: snapshot({
          participants: [participant('me', 'onsite', 'Olivia'), participant('rita', 'operator')],
          control: { holderSessionId: 'rita', holderName: 'rita' },
        }),
      }),
    );
    for (let i = 0; i < 3000; i++) socket.receive(event({ kind: 'participant.joined', participant: participant(`ghost-${i}`, 'onsite') }));
    settle();
    const ids = view().snapshot!.participants.map((p) => p.sessionId);
    expect(ids).toHaveLength(2048);
    expect(ids).toContain('me');
    expect(ids).toContain('rita');
    expect(ids.at(-1)).toBe('ghost-2999');
  });

  it('have their names cut to 64 characters, from a snapshot and from one who joins', () => {
    socket.receive(
      event({
        kind: 'scanner',
        snapshot: snapshot({
          participants: [participant('me', 'onsite', 'Olivia'), participant('rita', 'operator', 'R'.repeat(100_000))],
          control: { holderSessionId: 'rita', holderName: 'Rita' },
        }),
      }),
    );
    socket.receive(event({ kind: 'participant.joined', participant: participant('trainer', 'observer', 'T'.repeat(100_000)) }));
    settle();
    const names = new Map(view().snapshot!.participants.map((p) => [p.sessionId, p.name]));
    expect(names).toEqual(
      new Map([
        ['me', 'Olivia'],
        ['rita', `${'R'.repeat(64)}…`],
        ['trainer', `${'T'.repeat(64)}…`],
      ]),
    );
  });
});
