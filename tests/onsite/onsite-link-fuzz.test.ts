/**
 * Gateway fuzz against the onsite console's link: frames a real gateway sent an onsite session
 * (the welcome, the scanner's state, participants, notices, alarms and who saw them, chat, marks,
 * acks), mutated (seeded, so a failure replays) and handed to the page's link over a stand-in
 * socket. A broken or hostile peer must cost the page at most what it shows of that frame: nothing
 * thrown, every frame it could not read counted with a LARMOR_E_ code, what it keeps bounded, and
 * after the link is lost and welcomed again, it shows what the gateway says.
 *
 *   npx vitest run tests/onsite/onsite-link-fuzz.test.ts                            (20,000 frames)
 *   LARMOR_FUZZ_FRAMES=200000 LARMOR_FUZZ_SEED=7 npx vitest run tests/onsite/onsite-link-fuzz.test.ts
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../base/common/random.js';
import { OnsiteLink, type OnsiteLinkView } from '../../onsite/src/onsite-link.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { OPEN_EXAM, RawClient, startTestGateway } from '../helpers/gateway.js';
import { mutateFrame, type Frame } from '../helpers/mutate-frames.js';
import { FakeSocket } from './fake-socket.js';

const FRAMES = Number(process.env.LARMOR_FUZZ_FRAMES ?? 20_000);
const SEED = Number(process.env.LARMOR_FUZZ_SEED ?? 1);

/** What the page keeps of notices at most: 200 routine ones, 50 alarms and 4 notices that each was seen (onsite-notices.ts). */
const MOST_NOTICES = 200 + 50 + 50 * 4;

let gateway: Gateway;
/** Every text frame the gateway sent the onsite session, as sent. */
let sent: Frame[];
let welcome: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  const onsite = await RawClient.greeted(gateway.url, 'onsite', 'Olivia Onsite');
  const operator = await RawClient.greeted(gateway.url, 'operator', 'Rita Remote');
  const rita = operator.messages.find((m) => m.type === 'welcome')!;
  const act = (id: string, action: unknown) => onsite.sendJson({ type: 'onsite', id, action });
  // Something of every kind the page reads: presence, control, an exam, the checklist, chat, a
  // call for help and its acknowledgement, notices.
  act('onsite-check-in', { name: 'presence.check-in', credential: 'mr-safety-technologist' });
  act('onsite-grant-control', { name: 'control.grant', sessionId: rita.type === 'welcome' ? rita.session.id : '' });
  await onsite.next((m) => m.type === 'ack' && m.id === 'onsite-grant-control');
  await operator.command('fuzz-open-exam', OPEN_EXAM);
  act('onsite-checklist', { name: 'checklist.confirm', items: ['screening-form-reviewed', 'metal-removed'] });
  await operator.collab({ name: 'chat.send', text: 'Starting the localizer' });
  await onsite.collab({ name: 'chat.send', text: 'Patient is comfortable' });
  act('onsite-help-call', { name: 'help.call', reason: 'patient anxious' });
  const call = await operator.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.alarm?.kind === 'help-call');
  await operator.collab({ name: 'alarm.acknowledge', seq: call.type === 'event' ? call.seq : 1 });
  gateway.notice('warning', 'Coil element 3 reports a high noise level');
  await onsite.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.text.startsWith('Coil'));
  const frames = onsite.messages.map((m) => JSON.stringify(m));
  welcome = frames.find((f) => f.startsWith('{"type":"welcome"'))!;
  sent = frames.map((f) => ({ data: Buffer.from(f), binary: false }));
  onsite.close();
  operator.close();
});

afterAll(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
  await gateway?.close();
});

describe('gateway fuzz against the onsite console link', () => {
  it(`survives ${FRAMES} mutated frames (seed ${SEED}) with every unread frame coded, and shows the gateway again after a new welcome`, () => {
    expect(sent.length).toBeGreaterThan(10);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
    vi.stubGlobal('WebSocket', FakeSocket);
    const warned: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((text: string) => void warned.push(text));
    const link = new OnsiteLink('ws://gateway.test/', 'credential');
    const views: OnsiteLinkView[] = [];
    link.subscribe((v) => views.push(v));
    link.open();
    const socket = FakeSocket.last!;
    socket.open();
    socket.receive(welcome);
    vi.advanceTimersByTime(100);
    expect(views.at(-1)?.status).toBe('connected');

    const random = seededRandom(SEED);
    const codes = new Set<string>();
    for (let i = 0; i < FRAMES; i++) {
      socket.receive(mutateFrame(sent[Math.floor(random() * sent.length)]!, random).data.toString('utf8'));
      if (i % 50 === 49) {
        vi.advanceTimersByTime(100);
        const unread = views.at(-1)!.unread;
        if (unread) codes.add(unread.code);
      }
    }
    vi.advanceTimersByTime(100);
    const after = views.at(-1)!;
    expect(after.unread!.count).toBeGreaterThan(0);
    for (const code of codes) expect(code).toMatch(/^LARMOR_E_[A-Z0-9_]+$/);
    for (const line of warned) expect(line).toMatch(/: LARMOR_E_[A-Z0-9_]+: /);
    expect(after.notices.length).toBeLessThanOrEqual(MOST_NOTICES);
    // No frame on the link replaced the session it was welcomed into.
    expect(after.sessionId).toBe((JSON.parse(welcome) as { session: { id: string } }).session.id);

    // Lost and welcomed again: the page shows what the gateway says, a new notice included.
    socket.close();
    vi.advanceTimersByTime(60_000);
    const next = FakeSocket.last!;
    expect(next).not.toBe(socket);
    next.open();
    next.receive(welcome);
    next.receive({ type: 'event', seq: 1_000_000, at: new Date().toISOString(), body: { kind: 'notice', level: 'info', text: 'after the fuzz' } });
    vi.advanceTimersByTime(100);
    const back = views.at(-1)!;
    expect(back.status).toBe('connected');
    expect(back.snapshot).toEqual((JSON.parse(welcome) as { snapshot: unknown }).snapshot);
    expect(back.notices.some((n) => n.text === 'after the fuzz')).toBe(true);
    link.close();
  });
});
