import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type DeskView, type LogEntry, type NoticeHistoryMessage, type SiteEntry, type WorkstationView } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { Desk } from '../../../main/desk/desk.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { Journal } from '../../../main/journal/journal.js';
import { GatewayStore } from '../../../gateway/storage/gateway-store.js';
import { join } from 'node:path';
import { OPEN_EXAM, RawClient, startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { onsiteGrants, OnsiteClient } from '../../helpers/onsite.js';
import { ensureTestAccount, testLogin } from '../../helpers/accounts.js';
import { tempDir } from '../../helpers/temp-dir.js';

const gateways: Gateway[] = [];
const desks: Desk[] = [];
const onsites: OnsiteClient[] = [];
const proxies: FaultProxy[] = [];

afterEach(async () => {
  for (const d of desks.splice(0)) d.disconnect();
  for (const o of onsites.splice(0)) o.close();
  for (const p of proxies.splice(0)) await p.close();
  for (const g of gateways.splice(0)) await g.close();
});

async function gateway(scanner: string, options: Parameters<typeof startTestGateway>[0] = {}): Promise<Gateway> {
  const g = await startTestGateway({ requireChecklist: false, site: { name: `Site ${scanner}`, scanner, fieldStrengthT: 1.5 }, ...options });
  gateways.push(g);
  return g;
}

function desk(options: ConstructorParameters<typeof Desk>[0] = {}): Desk {
  const d = new Desk({ tileIntervalMs: 20, ...options });
  desks.push(d);
  return d;
}

/**
 * A desk signed in to one gateway, MR-B (`first`), whose data directory a restart keeps: the core
 * the desk made for it, and `restart`, which stops the gateway running and starts the next on the
 * same directory and port, where the desk's link finds it.
 */
async function deskOnRestartableGateway(): Promise<{ d: Desk; first: Gateway; core: () => WorkstationCore; restart: () => Promise<Gateway> }> {
  const dataFile = join(tempDir(), 'gateway.sqlite');
  let current = await gateway('MR-B', { dataFile });
  const port = current.port;
  let core: WorkstationCore | undefined;
  const d = desk({ makeCore: () => (core = new WorkstationCore()) });
  await d.connectSites({ sites: [site('b', current.url)], role: 'operator', ...testLogin('Remote Tech') });
  await untilDesk(d, (v) => tileOf(v, 'b').link === 'connected');
  const restart = async () => {
    gateways.splice(gateways.indexOf(current), 1);
    await current.close();
    current = await gateway('MR-B', { dataFile, port });
    return current;
  };
  return { d, first: current, core: () => core!, restart };
}

const site = (id: string, url: string): SiteEntry => ({ id, name: `MR ${id.toUpperCase()}`, url });

/** Resolves once the desk view satisfies `predicate` (checked now and at every desk push). */
function untilDesk(d: Desk, predicate: (view: DeskView) => boolean): Promise<DeskView> {
  return new Promise((resolve) => {
    const check = () => {
      const view = d.deskView();
      if (!predicate(view)) return;
      d.off('desk', check);
      resolve(view);
    };
    d.on('desk', check);
    check();
  });
}

const tileOf = (view: DeskView, id: string) => view.tiles.find((t) => t.site.id === id)!;

describe('Desk: several gateways on one workstation', () => {
  it('signs in to three gateways and shows one tile per scanner, in list order', async () => {
    const [a, b, c] = await Promise.all([gateway('MR-A'), gateway('MR-B'), gateway('MR-C')]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url), site('c', c.url)], role: 'operator', ...testLogin('Remote Tech') });
    const view = await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected' && t.state !== null));
    expect(view.tiles.map((t) => t.site.id)).toEqual(['a', 'b', 'c']);
    expect(view.tiles.map((t) => t.scanner)).toEqual(['MR-A 1.5 T', 'MR-B 1.5 T', 'MR-C 1.5 T']);
    expect(view.tiles.map((t) => t.state)).toEqual(['idle', 'idle', 'idle']);
    expect(view.focusedSiteId).toBe('a');
    expect(view.maxConcurrentAcquisitions).toBe(1);
    expect(d.view().link.url).toBe(a.url);
  });

  it('keeps connecting the others when one site refuses the sign-in, and shows the refusal on its tile', async () => {
    const [a, b, c] = await Promise.all([gateway('MR-A'), gateway('MR-B'), gateway('MR-C')]);
    // Only A and C know this person; B refuses the sign-in.
    await ensureTestAccount(a, 'Desk Tech');
    await ensureTestAccount(c, 'Desk Tech');
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url), site('c', c.url)], role: 'operator', ...testLogin('Desk Tech') });
    const view = await untilDesk(d, (v) => tileOf(v, 'b').link === 'refused' && tileOf(v, 'a').link === 'connected' && tileOf(v, 'c').link === 'connected');
    expect(tileOf(view, 'b').error?.code).toBeTruthy();
    expect(tileOf(view, 'a').error).toBeNull();
  });

  it('refuses with the first error only when no site at all can be signed in to', async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B')]);
    const d = desk();
    await expect(
      d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', user: 'nobody.here', password: 'wrong password' }),
    ).rejects.toHaveProperty('code');
    expect(d.deskView().tiles.map((t) => t.link)).toEqual(['refused', 'refused']);
  });

  it('pushes the focused core to the console: state and the recent log of the site focused', async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B')]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    const states: WorkstationView[] = [];
    const logs: LogEntry[] = [];
    d.on('state', (s) => states.push(s));
    d.on('log', (e) => logs.push(e));

    // A log entry at B while A is focused does not reach the console.
    d.coreOf('b')!.record({ type: 'notice', at: new Date().toISOString(), level: 'info', text: 'only at B', seq: 0 });
    expect(logs.map((e) => e.text)).not.toContain('only at B');

    d.focus('b');
    expect(states.at(-1)!.link.url).toBe(b.url);
    expect(d.view().link.url).toBe(b.url);
    // B's recent log is replayed on focus, including what happened while it was not focused.
    expect(logs.map((e) => e.text)).toContain('only at B');
    expect(d.deskView().focusedSiteId).toBe('b');

    const before = logs.length;
    d.coreOf('a')!.record({ type: 'notice', at: new Date().toISOString(), level: 'info', text: 'only at A', seq: 0 });
    expect(logs.slice(before).map((e) => e.text)).not.toContain('only at A');
    expect(() => d.focus('nowhere')).toThrow(expect.objectContaining({ code: ErrorCode.DESK_UNKNOWN_SITE }));
  });

  it("replays on focus the newest logRingSize entries of a site's log, however many came while it was not focused", async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B')]);
    const d = desk({ logRingSize: 10 });
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    for (let i = 0; i < 35; i++) d.coreOf('b')!.record({ type: 'notice', at: new Date().toISOString(), level: 'info', text: `at B ${i}`, seq: 0 });
    const logs: LogEntry[] = [];
    d.on('log', (e) => logs.push(e));
    d.focus('b');
    expect(logs.map((e) => e.text)).toEqual(Array.from({ length: 10 }, (_, i) => `at B ${25 + i}`));
    expect(d.recentLog().map((e) => e.text)).toEqual(logs.map((e) => e.text));
  });

  it('refuses a second concurrent start by the machine policy, naming the scanner already acquiring', async () => {
    const [a, b] = await Promise.all([gateway('MR-A', { timeScale: 1 }), gateway('MR-B', { timeScale: 1 })]);
    const d = desk({ maxConcurrentAcquisitions: 1 });
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    onsites.push(await onsiteGrants(a, 'Remote Tech'), await onsiteGrants(b, 'Remote Tech'));

    // A acquires (the localizer runs for tens of seconds at time scale 1).
    expect((await d.sendCommand(OPEN_EXAM)).state).toBe('done');
    expect((await d.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).state).toBe('done');
    expect((await d.sendCommand({ name: 'scan.start' })).state).toBe('done');
    await untilDesk(d, (v) => tileOf(v, 'a').state === 'acquiring' && tileOf(v, 'a').youHoldControl && tileOf(v, 'a').sequence !== null);

    d.focus('b');
    expect((await d.sendCommand(OPEN_EXAM)).state).toBe('done');
    expect((await d.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).state).toBe('done');
    const refused = await d.sendCommand({ name: 'scan.start' });
    expect(refused).toMatchObject({ state: 'rejected', code: ErrorCode.DESK_CONCURRENT_ACQUISITIONS });
    expect(refused.reason).toContain('MR A');
    // Never sent: B's gateway did not see a start.
    expect(b.store.auditTrail().some((r) => r.action === 'command scan.start')).toBe(false);
    expect(b.snapshot().state).toBe('sequence-queued');

    // Once A is stopped, B may start.
    d.focus('a');
    expect((await d.sendCommand({ name: 'scan.stop' })).state).toBe('done');
    await untilDesk(d, (v) => tileOf(v, 'a').state !== 'acquiring' && tileOf(v, 'a').state !== 'paused');
    d.focus('b');
    expect((await d.sendCommand({ name: 'scan.start' })).state).toBe('done');
    await d.sendCommand({ name: 'scan.stop' });
  });

  it('raises an emergency stop at C on the desk while A is focused; acknowledging it is audited at C', async () => {
    const [a, b, c] = await Promise.all([gateway('MR-A'), gateway('MR-B'), gateway('MR-C')]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url), site('c', c.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    const onsiteC = await OnsiteClient.connect(c, 'Onsite Tech');
    onsites.push(onsiteC);
    await onsiteC.act({ name: 'emergency.stop', reason: 'patient moved' });
    const view = await untilDesk(d, (v) => tileOf(v, 'c').alarms.length > 0);
    expect(view.focusedSiteId).toBe('a');
    const [alarm] = tileOf(view, 'c').alarms;
    expect(alarm).toMatchObject({ siteId: 'c', kind: 'emergency-stop', acknowledged: false });
    expect(alarm!.seq).toBeGreaterThan(0);
    expect(alarm!.text).toContain('patient moved');
    expect(tileOf(view, 'a').alarms).toEqual([]);

    await d.acknowledge('c', alarm!.id);
    expect(tileOf(d.deskView(), 'c').alarms[0]!.acknowledged).toBe(true);
    const audited = c.store.auditTrail().find((r) => r.action === 'collab alarm.acknowledge');
    expect(audited).toMatchObject({ decision: 'done', actor: 'Remote Tech' });
    expect(JSON.stringify(audited!.detail)).toContain(String(alarm!.seq));
    expect(a.store.auditTrail().some((r) => r.action === 'collab alarm.acknowledge')).toBe(false);
    await expect(d.acknowledge('c', 'alarm-none')).rejects.toMatchObject({ code: ErrorCode.DESK_UNKNOWN_ALARM });
  });

  it('raises a help call from onsite as an alarm on that tile', async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B')]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    const onsiteB = await OnsiteClient.connect(b, 'Onsite Tech');
    onsites.push(onsiteB);
    await onsiteB.act({ name: 'help.call', reason: 'contrast question' });
    const view = await untilDesk(d, (v) => tileOf(v, 'b').alarms.some((x) => x.kind === 'help-call'));
    expect(tileOf(view, 'b').alarms[0]!.text).toContain('contrast question');
  });

  it('keeps an emergency stop on a full tile through a burst of calls for help: a full tile lets go of repeats first', async () => {
    const b = await gateway('MR-B');
    const d = desk();
    await d.connectSites({ sites: [site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => tileOf(v, 'b').link === 'connected');
    b.notice('alarm', 'EMERGENCY STOP by Olivia (onsite)', { kind: 'emergency-stop', detail: 'by Olivia (onsite)', by: 'Olivia' });
    for (let i = 1; i <= 60; i++) b.notice('alarm', `HELP CALLED by Olivia (onsite): call ${i}`, { kind: 'help-call', detail: `call ${i}`, by: 'Olivia' });
    const view = await untilDesk(d, (v) => tileOf(v, 'b').alarms.some((a) => a.text.endsWith('call 60')));
    const alarms = tileOf(view, 'b').alarms;
    expect(alarms).toHaveLength(50);
    expect(alarms.filter((a) => a.kind === 'emergency-stop')).toHaveLength(1);
    expect(alarms.at(-1)!.text).toMatch(/call 60$/);
  });

  it('raises a call for help made before the workstation connected, unless someone has seen it; the log has both', async () => {
    const b = await gateway('MR-B');
    const onsiteB = await OnsiteClient.connect(b, 'Onsite Tech');
    onsites.push(onsiteB);
    await onsiteB.act({ name: 'help.call', reason: 'first call' });
    const other = await RawClient.greeted(b.url, 'operator', 'Other Tech');
    const history = await other.next<NoticeHistoryMessage>((m) => m.type === 'notice.history');
    const first = history.events.find((e) => e.body.alarm?.kind === 'help-call')!;
    await other.collab({ name: 'alarm.acknowledge', seq: first.seq });
    other.close();
    await onsiteB.act({ name: 'help.call', reason: 'second call' });

    const d = desk();
    const logs: LogEntry[] = [];
    d.on('log', (e) => logs.push(e));
    await d.connectSites({ sites: [site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    const view = await untilDesk(d, (v) => tileOf(v, 'b').alarms.length > 0);
    const [alarm] = tileOf(view, 'b').alarms;
    expect(alarm).toMatchObject({ kind: 'help-call', acknowledged: false });
    expect(alarm!.text).toContain('second call');
    expect(tileOf(view, 'b').alarms).toHaveLength(1);
    expect(logs.map((e) => e.text)).toEqual(expect.arrayContaining([expect.stringContaining('first call'), expect.stringContaining('second call')]));

    // Acknowledged here, it is seen at the gateway: the onsite console learns who saw it.
    const from = onsiteB.raw.messages.length;
    await d.acknowledge('b', alarm!.id);
    await onsiteB.raw.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen?.by === 'Remote Tech', from);
  });

  it('keeps one alarm for a call for help no one has seen when the desk signs in again and the notice history brings it back', async () => {
    const b = await gateway('MR-B');
    const d = desk();
    const logs: LogEntry[] = [];
    d.on('log', (e) => logs.push(e));
    const signIn = () => d.connectSites({ sites: [site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await signIn();
    await untilDesk(d, (v) => tileOf(v, 'b').link === 'connected');
    const onsiteB = await OnsiteClient.connect(b, 'Onsite Tech');
    onsites.push(onsiteB);
    await onsiteB.act({ name: 'help.call', reason: 'patient anxious' });
    await untilDesk(d, (v) => tileOf(v, 'b').alarms.length === 1);

    d.disconnect();
    await untilDesk(d, (v) => tileOf(v, 'b').link === 'disconnected');
    const from = logs.length;
    await signIn();
    // Signed in afresh, the log shows what happened before, the call among it.
    await expect.poll(() => logs.slice(from).some((e) => e.text.includes('patient anxious'))).toBe(true);
    const view = await untilDesk(d, (v) => tileOf(v, 'b').link === 'connected');
    expect(tileOf(view, 'b').alarms.map((a) => a.kind)).toEqual(['help-call']);
  });

  it('keeps one alarm for a call for help that a restarted gateway raises again, however many restarts, and acknowledges it at the boot linked to', async () => {
    const { d, first: firstBoot, core, restart } = await deskOnRestartableGateway();
    let b = firstBoot;
    const raisedAgain: LogEntry[] = [];
    d.on('log', (e) => e.text.includes('before the gateway restarted') && raisedAgain.push(e));
    // Numbered well beyond what the next boots will have said when they raise the call again.
    for (let i = 0; i < 50; i++) b.notice('info', `before the restart ${i}`);
    b.notice('alarm', 'HELP CALLED by Olivia (onsite)', { kind: 'help-call', detail: 'by Olivia (onsite)', by: 'Olivia' });
    const [first] = tileOf(await untilDesk(d, (v) => tileOf(v, 'b').alarms.length === 1), 'b').alarms;

    for (const restarts of [1, 2]) {
      const restarted = (b = await restart());
      // Each new boot raises the unseen call again, under a number of its own: the same alarm.
      await expect.poll(() => core().gatewayBootId === restarted.bootId && raisedAgain.length === restarts).toBe(true);
      const calls = tileOf(d.deskView(), 'b').alarms.filter((a) => a.kind === 'help-call');
      expect(calls).toEqual([{ ...first, seq: expect.any(Number) }]);
      expect(calls[0]!.seq).toBeLessThan(first!.seq!);
    }

    await d.acknowledge('b', first!.id);
    expect(b.store.auditTrail().filter((r) => r.action === 'collab alarm.acknowledge' && r.decision === 'done')).toHaveLength(1);
    expect(b.store.openAlarms.all()).toEqual([]);
  });

  it('acknowledges here an alarm of an earlier gateway boot, whose number means nothing to the gateway now', async () => {
    const { d, first: before, core, restart } = await deskOnRestartableGateway();
    for (let i = 0; i < 50; i++) before.notice('info', `before the restart ${i}`);
    // An operator loss ends with the link it was about: a restart does not raise it again.
    before.notice('alarm', 'REMOTE OPERATOR LOST: Pat', { kind: 'operator-loss', detail: 'Pat', by: 'Pat' });
    const [first] = tileOf(await untilDesk(d, (v) => tileOf(v, 'b').alarms.length === 1), 'b').alarms;

    const b = await restart();
    await untilDesk(d, (v) => tileOf(v, 'b').link === 'connected' && core().gatewayBootId === b.bootId);
    for (let i = 0; i < 60; i++) b.notice('info', `after the restart ${i}`);

    await d.acknowledge('b', first!.id);
    expect(tileOf(d.deskView(), 'b').alarms.find((a) => a.id === first!.id)?.acknowledged).toBe(true);
    expect(b.store.auditTrail().some((r) => r.action === 'collab alarm.acknowledge')).toBe(false);
  });

  it('shows a call for help raised again after a gateway restart at the time it was first raised', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    const store = new GatewayStore(dataFile);
    const raisedAt = '2026-12-05T08:00:00.000Z';
    store.openAlarms.add({
      at: raisedAt,
      text: 'HELP CALLED by Olivia (onsite)',
      alarm: { kind: 'help-call', detail: 'by Olivia (onsite)', by: 'Olivia' },
      identifiers: [],
    });
    store.close();
    const b = await gateway('MR-B', { dataFile });
    const d = desk();
    await d.connectSites({ sites: [site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    const view = await untilDesk(d, (v) => tileOf(v, 'b').alarms.length > 0);
    expect(tileOf(view, 'b').alarms[0]).toMatchObject({ kind: 'help-call', at: raisedAt, detail: 'by Olivia (onsite) (raised before the gateway restarted)' });
  });

  it('turns a black-holed gateway’s tile lost, with a link-lost alarm acknowledged and journalled here, while the others stay connected', async () => {
    const [a, b, c] = await Promise.all([gateway('MR-A'), gateway('MR-B'), gateway('MR-C')]);
    const proxy = await FaultProxy.start(b.port);
    proxies.push(proxy);
    const journal = Journal.open(join(tempDir(), 'journal.sqlite'));
    const d = desk({ makeCore: (siteId) => new WorkstationCore({ journal: journal.forSite(siteId), reconnect: { budgetMs: 60_000 } }) });
    await d.connectSites({ sites: [site('a', a.url), site('b', proxy.url), site('c', c.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected' && t.health === 'healthy'));
    proxy.blackhole();
    const view = await untilDesk(
      d,
      (v) => ['lost', 'reconnecting', 'failed'].includes(tileOf(v, 'b').health) && tileOf(v, 'b').alarms.some((x) => x.kind === 'link-lost'),
    );
    expect(tileOf(view, 'a').link).toBe('connected');
    expect(tileOf(view, 'c').link).toBe('connected');
    expect(['healthy', 'degraded']).toContain(tileOf(view, 'a').health);
    expect(['healthy', 'degraded']).toContain(tileOf(view, 'c').health);
    const alarm = tileOf(view, 'b').alarms.find((x) => x.kind === 'link-lost')!;
    expect(alarm.seq).toBeNull();
    await d.acknowledge('b', alarm.id);
    expect(journal.activitiesOfSite('b').some((r) => r.type === 'desk-alarm' && r.event === 'acknowledged' && r.alarmId === alarm.id)).toBe(true);
    expect(journal.activitiesOfSite('a').some((r) => r.type === 'desk-alarm')).toBe(false);
    d.disconnect();
    journal.close();
  });

  it('fills a tile from its scanner while another is focused: onsite presence, control, sequence, thumbnail, unread chat', async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B', { timeScale: 20 })]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    onsites.push(await onsiteGrants(b, 'Remote Tech'));
    const coreB = d.coreOf('b')!;
    expect((await coreB.sendCommand(OPEN_EXAM)).state).toBe('done');
    expect((await coreB.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).state).toBe('done');
    expect((await coreB.sendCommand({ name: 'scan.start' })).state).toBe('done');
    const acquiring = await untilDesk(d, (v) => tileOf(v, 'b').sequence !== null);
    expect(tileOf(acquiring, 'b').sequence!.name).toBe('Localizer 3-plane');
    expect(tileOf(acquiring, 'b').sequence!.remainingS).toBeGreaterThan(0);
    const view = await untilDesk(d, (v) => tileOf(v, 'b').thumbnail !== null);
    const tile = tileOf(view, 'b');
    expect(tile).toMatchObject({ onsite: { name: 'Onsite Tech', credential: 'mr-safety-technologist' }, controlHolder: 'Remote Tech', youHoldControl: true });
    expect(tile.thumbnail!.width).toBeLessThanOrEqual(96);
    expect(tile.thumbnail!.height).toBeLessThanOrEqual(96);
    expect(Buffer.from(tile.thumbnail!.pixelsBase64, 'base64').length).toBe(tile.thumbnail!.width * tile.thumbnail!.height);
    expect(tileOf(view, 'a')).toMatchObject({ thumbnail: null, youHoldControl: false, onsite: null });

    // Chat from onsite at B while A is focused counts as unread; focusing B reads it.
    onsites[0]!.raw.sendJson({ type: 'collab', id: 'chat-from-onsite-1', action: { name: 'chat.send', text: 'Patient asks how long' } });
    await untilDesk(d, (v) => tileOf(v, 'b').unreadChat === 1);
    d.focus('b');
    expect(tileOf(d.deskView(), 'b').unreadChat).toBe(0);
  });

  it('raises an operator-loss alarm when another operator holding control at a site loses the link, and a call-lost alarm for the focused call', async () => {
    const [a, b] = await Promise.all([gateway('MR-A'), gateway('MR-B')]);
    const d = desk();
    await d.connectSites({ sites: [site('a', a.url), site('b', b.url)], role: 'operator', ...testLogin('Remote Tech') });
    await untilDesk(d, (v) => v.tiles.every((t) => t.link === 'connected'));
    const other = await RawClient.greeted(b.url, 'operator', 'Test Tech');
    onsites.push(await onsiteGrants(b, 'Test Tech'));
    other.ws.terminate();
    const lost = await untilDesk(d, (v) => tileOf(v, 'b').alarms.some((x) => x.kind === 'operator-loss'));
    expect(tileOf(lost, 'b').alarms.find((x) => x.kind === 'operator-loss')!.text).toContain('Test Tech');

    d.focusedCore.emit('media-health', { health: 'failed', reason: 'no video for 5 s' });
    const call = await untilDesk(d, (v) => tileOf(v, 'a').alarms.some((x) => x.kind === 'media-lost'));
    expect(tileOf(call, 'a').alarms.find((x) => x.kind === 'media-lost')).toMatchObject({ seq: null, acknowledged: false });
  });

  it('keeps the one-gateway connect working as a desk of one', async () => {
    const a = await gateway('MR-A');
    const d = desk();
    await d.connect({ url: a.url, role: 'operator', ...testLogin('Remote Tech') });
    expect(d.view().link.status).toBe('connected');
    const view = await untilDesk(d, (v) => v.tiles.length === 1 && v.tiles[0]!.link === 'connected');
    expect(view.focusedSiteId).toBe('gateway');
    await expect(d.connect({ url: a.url, role: 'operator', user: 'nobody.here', password: 'wrong password' })).rejects.toHaveProperty('code');
    expect(d.view().link.status).toBe('refused');
  });
});
