import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NOTICE_HISTORY, type EventMessage, type GatewayMessage, type NoticeAlarm, type NoticeHistoryMessage } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { GatewayStore } from '../../../gateway/storage/gateway-store.js';
import { OPEN_EXAM, PATIENT, RawClient, useGatewayFixture } from '../../helpers/gateway.js';
import { OnsiteClient, onsiteGrants } from '../../helpers/onsite.js';
import { formatPersonName } from '../../../base/common/person-name.js';
import { tempDir } from '../../helpers/temp-dir.js';

const help: NoticeAlarm = { kind: 'help-call', detail: 'by Olivia (onsite)', by: 'Olivia' };

describe('OpenAlarmStore', () => {
  it('keeps as many alarms as a notice history holds, the newest, until each is seen', () => {
    const store = new GatewayStore(join(tempDir(), 'gateway.sqlite'));
    try {
      const ids = Array.from({ length: MAX_NOTICE_HISTORY + 2 }, (_, i) =>
        store.openAlarms.add({ at: `2026-12-05T09:00:${i}`, text: `call ${i}`, alarm: help, identifiers: i % 2 ? [`PID-${i}`] : [] }),
      );
      store.openAlarms.seen(ids.at(-1)!);
      const open = store.openAlarms.all();
      expect(open).toHaveLength(MAX_NOTICE_HISTORY - 1);
      expect(open[0]!.text).toBe('call 2');
      const last = MAX_NOTICE_HISTORY;
      expect(open.at(-1)).toEqual({
        id: ids.at(-2),
        at: `2026-12-05T09:00:${last}`,
        text: `call ${last}`,
        alarm: help,
        identifiers: last % 2 ? [`PID-${last}`] : [],
      });
      expect(open.at(-2)!.identifiers).toEqual(last % 2 ? [] : [`PID-${last - 1}`]);
      for (const { id } of open) store.openAlarms.seen(id);
      expect(store.openAlarms.all()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('a burst of calls for help', () => {
  const f = useGatewayFixture();

  it('keeps an emergency stop no one has seen, however many calls for help come after it', () => {
    const store = new GatewayStore(join(tempDir(), 'gateway.sqlite'));
    try {
      const stop: NoticeAlarm = { kind: 'emergency-stop', detail: 'by Olivia (onsite)', by: 'Olivia', scanStopped: true };
      store.openAlarms.add({ at: '2026-12-05T09:00:00', text: 'EMERGENCY STOP by Olivia (onsite)', alarm: stop, identifiers: [] });
      for (let i = 0; i < 3 * MAX_NOTICE_HISTORY; i++) store.openAlarms.add({ at: '2026-12-05T09:00:01', text: `call ${i}`, alarm: help, identifiers: [] });
      const open = store.openAlarms.all();
      expect(open).toHaveLength(MAX_NOTICE_HISTORY);
      expect(open[0]!.alarm.kind).toBe('emergency-stop');
      expect(open.at(-1)!.text).toBe(`call ${3 * MAX_NOTICE_HISTORY - 1}`);
    } finally {
      store.close();
    }
  });

  it('raises one alarm while the caller’s first is unseen, and a new one once someone has seen it', async () => {
    await f.start();
    const onsite = f.closes(await OnsiteClient.connect(f.gateway, 'Onsite Tech'));
    const operator = await f.client('operator', 'Remote Tech');
    for (let i = 0; i < 30; i++) expect(await onsite.act({ name: 'help.call', reason: `call ${i}` })).toMatchObject({ outcome: 'done' });
    const calls = () =>
      operator.messages.filter((m): m is EventMessage => m.type === 'event' && m.body.kind === 'notice' && m.body.alarm?.kind === 'help-call');
    await expect.poll(() => calls().length).toBe(1);
    expect(f.gateway.store.openAlarms.all()).toHaveLength(1);
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: calls()[0]!.seq })).toMatchObject({ outcome: 'done' });
    expect(await onsite.act({ name: 'help.call', reason: 'again' })).toMatchObject({ outcome: 'done' });
    await expect
      .poll(() => calls().map((e) => e.body.kind === 'notice' && e.body.text))
      .toEqual(['HELP CALLED by Onsite Tech (onsite): call 0', 'HELP CALLED by Onsite Tech (onsite): again']);
  });
});

describe('alarms no one had seen when the gateway stopped', () => {
  const f = useGatewayFixture();

  async function restart(dataFile: string): Promise<Gateway> {
    await f.stop();
    return f.start({ dataFile });
  }

  async function historyOf(
    gateway: Gateway,
    name: string,
    role: 'operator' | 'observer' = 'operator',
  ): Promise<{ client: RawClient; history: NoticeHistoryMessage }> {
    const client = f.closes(await RawClient.greeted(gateway.url, role, name));
    return { client, history: await client.next<NoticeHistoryMessage>((m) => m.type === 'notice.history') };
  }

  const alarmsIn = (history: NoticeHistoryMessage) => history.events.filter((e) => e.body.alarm !== undefined);

  it('are raised again after a restart on the same data directory, until someone sees them', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    let gateway = await restart(dataFile);
    const onsite = f.closes(await OnsiteClient.connect(gateway, 'Onsite Tech'));
    await onsite.checkIn();
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });
    expect(await onsite.act({ name: 'emergency.stop', reason: 'patient moved' })).toMatchObject({ outcome: 'done' });
    const first = await historyOf(gateway, 'Remote Tech');
    const stop = alarmsIn(first.history).find((e) => e.body.alarm?.kind === 'emergency-stop')!;
    expect(await first.client.collab({ name: 'alarm.acknowledge', seq: stop.seq })).toMatchObject({ outcome: 'done' });

    // Stopped with the call for help unseen: the next boot raises it again, and only it.
    const firstBoot = gateway.bootId;
    gateway = await restart(dataFile);
    const second = await historyOf(gateway, 'Remote Tech');
    // The emergency stop was seen: the console's emergency banner, which reads the snapshot, has none.
    expect(gateway.snapshot().onsite?.lastEmergency).toBeNull();
    const carried = alarmsIn(second.history);
    expect(carried.map((e) => e.body.alarm?.kind)).toEqual(['help-call']);
    expect(carried[0]!.body.text).toMatch(/^HELP CALLED by Onsite Tech \(onsite\): patient anxious \(raised \d\d:\d\d:\d\d, before the gateway restarted\)$/);
    const call = alarmsIn(first.history).find((e) => e.body.alarm?.kind === 'help-call')!;
    const { raisedAt, ...again } = carried[0]!.body.alarm!;
    expect(again).toEqual({
      ...call.body.alarm,
      detail: `${call.body.alarm!.detail} (raised before the gateway restarted)`,
      // The notice that first raised it, for a workstation that showed it to know it again.
      firstRaised: { bootId: firstBoot, seq: call.seq },
    });
    // When it was first raised: written down as the call was announced, before this boot began.
    expect([call.at <= raisedAt!, raisedAt! < carried[0]!.at]).toEqual([true, true]);
    expect(gateway.store.auditTrail().some((r) => r.action === 'alarm' && r.decision === 'raised again')).toBe(true);

    // Not seen through another restart: the same words, with the first time, not a second "before".
    gateway = await restart(dataFile);
    const third = await historyOf(gateway, 'Remote Tech');
    const raisedAgain = alarmsIn(third.history);
    expect(raisedAgain.map((e) => [e.body.text, e.body.alarm])).toEqual(carried.map((e) => [e.body.text, e.body.alarm]));

    // Seen now: the staff who called learn who saw it, and the next boot raises nothing.
    const onsiteAgain = f.closes(await OnsiteClient.connect(gateway, 'Onsite Tech'));
    expect(await third.client.collab({ name: 'alarm.acknowledge', seq: raisedAgain[0]!.seq })).toMatchObject({ outcome: 'done' });
    const isSeen = (m: GatewayMessage) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen?.seq === raisedAgain[0]!.seq;
    expect((await onsiteAgain.raw.next<EventMessage>(isSeen)).body).toMatchObject({ seen: { by: 'Remote Tech' } });
    gateway = await restart(dataFile);
    expect(alarmsIn((await historyOf(gateway, 'Remote Tech')).history)).toEqual([]);
  });

  it('name no patient to observers once raised again, when the exam they were raised in is no longer open', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    let gateway = await restart(dataFile);
    const operator = f.closes(await RawClient.greeted(gateway.url, 'operator', 'Remote Tech'));
    const onsite = f.closes(await onsiteGrants(gateway, 'Remote Tech'));
    expect(await operator.command('oa-00001', OPEN_EXAM)).toMatchObject({ outcome: 'done' });
    // Staff name the patient in a call for help as every page shows the name, or by ID.
    const named = [formatPersonName(PATIENT.name), PATIENT.id];
    expect(await onsite.act({ name: 'help.call', reason: `${named[0]} (${named[1]}) is anxious` })).toMatchObject({ outcome: 'done' });

    gateway = await restart(dataFile);
    expect(gateway.snapshot().exam).toBeNull();
    const observer = await historyOf(gateway, 'Student', 'observer');
    const staff = await historyOf(gateway, 'Remote Tech');
    const [call] = alarmsIn(staff.history);
    // The staff read the call as it was made; observers read that a call was made, not whose.
    expect(named.every((id) => call!.body.text.includes(id))).toBe(true);
    const [observed] = alarmsIn(observer.history);
    expect(observed!.body.text).toMatch(/^HELP CALLED by Onsite Tech \(onsite\): De-identified \(De-identified\) is anxious \(raised/);
    expect(named.filter((id) => JSON.stringify(observer.history).includes(id))).toEqual([]);

    // Nor when someone sees it: the notice that says so repeats the call's words.
    expect(await staff.client.collab({ name: 'alarm.acknowledge', seq: call!.seq })).toMatchObject({ outcome: 'done' });
    const seen = await observer.client.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen?.seq === call!.seq);
    expect(seen.body).toMatchObject({ seen: { by: 'Remote Tech' } });
    expect(named.filter((id) => JSON.stringify(seen).includes(id))).toEqual([]);
  });

  it('bring back an emergency stop no one saw as the snapshot’s last emergency, for the emergency banner of a workstation on this one scanner', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    let gateway = await restart(dataFile);
    const onsite = f.closes(await OnsiteClient.connect(gateway, 'Onsite Tech'));
    expect(await onsite.act({ name: 'emergency.stop', reason: 'patient moved' })).toMatchObject({ outcome: 'done' });
    const before = gateway.snapshot().onsite!.lastEmergency;
    gateway = await restart(dataFile);
    const after = gateway.snapshot().onsite!.lastEmergency;
    expect(after).toEqual({ ...before, at: expect.any(String) });
    expect(Date.parse(after!.at)).toBeGreaterThanOrEqual(Date.parse(before!.at));
  });
});
