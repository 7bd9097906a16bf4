import { describe, expect, it } from 'vitest';
import {
  MAX_NOTICE_HISTORY,
  decodeGatewayMessage,
  type EventMessage,
  type GatewayMessage,
  type NoticeHistoryMessage,
  type WelcomeMessage,
} from '../../../protocol/index.js';
import { EventBuffer } from '../../../gateway/server/event-buffer.js';
import { NoticeHistory } from '../../../gateway/server/notice-history.js';
import { safetyFixture } from '../safety/support.js';

const isHistory = (m: GatewayMessage) => m.type === 'notice.history';

/** The history a client got; it must come right after the welcome, before any other message. */
function historyAfterWelcome(messages: readonly GatewayMessage[]): NoticeHistoryMessage {
  const at = messages.findIndex((m) => m.type === 'welcome');
  const history = messages[at + 1];
  expect(history?.type).toBe('notice.history');
  return history as NoticeHistoryMessage;
}

describe('NoticeHistory', () => {
  const buffer = new EventBuffer(1000, 1 << 30);
  buffer.redactForObservers({ body: (b) => (b.kind === 'notice' ? { ...b, text: b.text.replace('DOE', '***') } : b), part10: () => null });
  const notice = (text: string) => buffer.append({ kind: 'notice', level: 'info', text });

  it('keeps the newest notices, oldest first, in one message every client decodes', () => {
    const history = new NoticeHistory(1 << 20, 3);
    for (const text of ['one', 'two', 'three', 'four']) history.add(notice(text));
    const decoded = decodeGatewayMessage(history.messageFor('operator'));
    expect(decoded.ok).toBe(true);
    const message = (decoded as { message: NoticeHistoryMessage }).message;
    expect(message.events.map((e) => e.body.text)).toEqual(['two', 'three', 'four']);
    expect(message.events.map((e) => e.seq)).toEqual([...message.events.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('gives observers the redacted copy of each notice', () => {
    const history = new NoticeHistory(1 << 20);
    history.add(notice('confirmed screening for DOE, JANE'));
    expect(history.messageFor('operator')).toContain('DOE, JANE');
    expect(history.messageFor('observer')).not.toContain('DOE');
    expect(history.messageFor('observer')).toContain('***, JANE');
  });

  it('leaves out the oldest notices that would take the message over the size a client accepts', () => {
    const long = 'x'.repeat(1000);
    const history = new NoticeHistory(3500);
    for (let i = 0; i < 5; i++) history.add(notice(`${i} ${long}`));
    const text = history.messageFor('operator');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3500);
    const decoded = decodeGatewayMessage(text) as { ok: true; message: NoticeHistoryMessage };
    expect(decoded.message.events.map((e) => e.body.text[0])).toEqual(['2', '3', '4']);
  });

  it('holds an alarm no one has seen beyond the newest notices, within the count and size of one message, until it is seen', () => {
    const unseen = new Set<number>();
    const history = new NoticeHistory(1 << 20, 3, (seq) => unseen.has(seq));
    const alarm = notice('HELP CALLED by Olivia');
    unseen.add(alarm.seq);
    history.add(alarm);
    const seenAlarm = notice('EMERGENCY STOP by Olivia');
    history.add(seenAlarm);
    for (const text of ['one', 'two', 'three', 'four']) history.add(notice(text));
    const texts = () => (decodeGatewayMessage(history.messageFor('operator')) as { message: NoticeHistoryMessage }).message.events.map((e) => e.body.text);
    // Three at most: the unseen alarm, oldest, then the newest that fit.
    expect(texts()).toEqual(['HELP CALLED by Olivia', 'three', 'four']);
    unseen.delete(alarm.seq);
    expect(texts()).toEqual(['two', 'three', 'four']);
  });

  it('gives the unseen alarms first place when the message is full by size', () => {
    const long = 'x'.repeat(1000);
    const alarm = notice(`alarm ${long}`);
    const history = new NoticeHistory(2500, 3, (seq) => seq === alarm.seq);
    history.add(alarm);
    for (let i = 0; i < 5; i++) history.add(notice(`${i} ${long}`));
    const decoded = decodeGatewayMessage(history.messageFor('operator')) as { ok: true; message: NoticeHistoryMessage };
    expect(decoded.message.events.map((e) => e.body.text.split(' ')[0])).toEqual(['alarm', '4']);
  });

  it('is an empty list before any notice', () => {
    expect(decodeGatewayMessage(new NoticeHistory(1 << 20).messageFor('onsite'))).toMatchObject({ ok: true, message: { events: [] } });
  });
});

describe('the notice history after a welcome', () => {
  const f = safetyFixture();

  it('brings a call for help made while no technologist was connected to the first who connects, and who saw it to a console opened later', async () => {
    await f.start();
    const onsite = await f.onsite();
    await onsite.checkIn();
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });

    const operator = await f.client('operator', 'Remote Tech');
    const history = historyAfterWelcome(operator.messages);
    const welcome = operator.messages.find((m) => m.type === 'welcome') as WelcomeMessage;
    const call = history.events.find((e) => e.body.alarm?.kind === 'help-call');
    expect(call?.body).toMatchObject({ level: 'alarm', alarm: { by: 'Onsite Tech', reason: 'patient anxious' } });
    expect(history.events.some((e) => /checked in at the scanner/.test(e.body.text))).toBe(true);
    expect(Math.max(...history.events.map((e) => e.seq))).toBeLessThanOrEqual(welcome.lastSeq);

    expect(await operator.collab({ name: 'alarm.acknowledge', seq: call!.seq })).toMatchObject({ outcome: 'done' });
    await onsite.raw.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen?.seq === call!.seq);
    const reloaded = await f.onsite();
    const seen = historyAfterWelcome(reloaded.raw.messages).events.find((e) => e.body.seen?.seq === call!.seq);
    expect(seen?.body.seen).toEqual({ seq: call!.seq, by: 'Remote Tech' });
  });

  it('gives an observer the notices as observers see them, without the patient’s name', async () => {
    await f.start({ observerPhi: 'none' });
    const { operator } = await f.readyToScan();
    const named = historyAfterWelcome((await f.client('operator', 'Second Tech')).messages);
    expect(named.events.some((e) => e.body.text.includes('DOE, JANE'))).toBe(true);
    const observed = historyAfterWelcome((await f.client('observer', 'Trainee')).messages);
    expect(observed.events.length).toBe(named.events.length);
    expect(JSON.stringify(observed)).not.toMatch(/DOE|JANE/);
    operator.close();
  });

  it('is not sent on a resume that replays the events, which bring the notices themselves', async () => {
    await f.start();
    const first = await f.client('operator', 'Remote Tech');
    const welcome = await first.next<WelcomeMessage>((m) => m.type === 'welcome');
    const onsite = await f.onsite();
    await onsite.checkIn();
    first.close();
    await first.closed;
    const resumed = await f.client('operator', 'Remote Tech', {
      resumeSecret: welcome.resumeSecret,
      resumeFrom: welcome.lastSeq,
      resumeBootId: welcome.bootId,
    });
    const checkedIn = await resumed.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'notice' && /checked in/.test(m.body.text));
    expect(checkedIn.seq).toBeGreaterThan(welcome.lastSeq);
    // Anything sent after the welcome and its replay has arrived once this chat line has.
    expect(await resumed.collab({ name: 'chat.send', text: 'back' })).toMatchObject({ outcome: 'done' });
    expect(resumed.messages.some(isHistory)).toBe(false);
  });

  it('brings a call for help no one has seen to who connects next however many notices came after it, and not once it is seen', async () => {
    const gateway = await f.start();
    const onsite = await f.onsite();
    await onsite.checkIn();
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });
    // Any hundred notices: a console checking in and out, a DICOM peer's refused images.
    for (let i = 0; i < 2 * MAX_NOTICE_HISTORY; i++) gateway.notice('info', `notice ${i}`);

    const operator = await f.client('operator', 'Remote Tech');
    const history = historyAfterWelcome(operator.messages);
    expect(history.events).toHaveLength(MAX_NOTICE_HISTORY);
    const call = history.events[0]!;
    expect(call.body).toMatchObject({ level: 'alarm', alarm: { kind: 'help-call', reason: 'patient anxious' } });
    expect(history.events.at(-1)?.body.text).toBe(`notice ${2 * MAX_NOTICE_HISTORY - 1}`);

    expect(await operator.collab({ name: 'alarm.acknowledge', seq: call.seq })).toMatchObject({ outcome: 'done' });
    const later = historyAfterWelcome((await f.client('operator', 'Second Tech')).messages);
    expect(later.events.some((e) => e.seq === call.seq)).toBe(false);
    expect(later.events.some((e) => e.body.seen?.seq === call.seq)).toBe(true);
  });

  it('brings a call for help no one has seen however many other alarms came after it, and tells its caller who saw it', async () => {
    const gateway = await f.start();
    const onsite = await f.onsite();
    await onsite.checkIn();
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });
    // More alarms than a notice history holds: operator losses on a bad network, which the
    // history does not hold (the snapshot shows a loss while it lasts).
    for (let i = 0; i < 2 * MAX_NOTICE_HISTORY; i++)
      gateway.notice('alarm', `Operator Pat: link lost ${i}`, { kind: 'operator-loss', detail: `Pat ${i}`, by: 'Pat' });

    const operator = await f.client('operator', 'Remote Tech');
    const call = historyAfterWelcome(operator.messages).events.find((e) => e.body.alarm?.kind === 'help-call');
    expect(call?.body.alarm).toMatchObject({ reason: 'patient anxious' });
    const from = onsite.raw.messages.length;
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: call!.seq })).toMatchObject({ outcome: 'done' });
    await onsite.raw.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen?.seq === call!.seq, from);
  });

  it('holds at most MAX_NOTICE_HISTORY notices', async () => {
    const gateway = await f.start();
    for (let i = 0; i < MAX_NOTICE_HISTORY + 5; i++) gateway.notice('info', `notice ${i}`);
    const history = historyAfterWelcome((await f.client('onsite', 'Onsite Tech')).messages);
    expect(history.events).toHaveLength(MAX_NOTICE_HISTORY);
    expect(history.events.at(-1)?.body.text).toBe(`notice ${MAX_NOTICE_HISTORY + 4}`);
  });
});
