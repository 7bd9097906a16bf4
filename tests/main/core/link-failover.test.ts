import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, HEALTH_THRESHOLDS, decodeImageFrame } from '../../../protocol/index.js';
import { join } from 'node:path';
import { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { seededRandom } from '../../../base/common/random.js';
import { OPEN_EXAM, startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ActivityLog, sleep } from './core-harness.js';
import { addCommonTestAccounts, testLogin } from '../../helpers/accounts.js';

/** A silent cut (no FIN) must show as lost within this bound... */
const SILENT_CUT_DETECTION_BOUND_MS = 2000;
/** ...and a clean close within this one. */
const CLEAN_CLOSE_DETECTION_BOUND_MS = 500;

let gateway: Gateway | undefined;
const proxies: FaultProxy[] = [];
const cores: WorkstationCore[] = [];
const onsites: OnsiteClient[] = [];

afterEach(async () => {
  for (const c of cores.splice(0)) c.disconnect();
  for (const o of onsites.splice(0)) o.close();
  for (const p of proxies.splice(0)) await p.close();
  await gateway?.close();
  gateway = undefined;
});

async function setup(options: { secondary?: boolean; budgetMs?: number } = {}) {
  gateway = await startTestGateway({ autoGrantControl: true, requireChecklist: false });
  const primary = await FaultProxy.start(gateway.port);
  proxies.push(primary);
  const secondary = options.secondary ? await FaultProxy.start(gateway.port) : null;
  if (secondary) proxies.push(secondary);
  const core = new WorkstationCore({ random: seededRandom(5), reconnect: options.budgetMs ? { budgetMs: options.budgetMs } : {} });
  cores.push(core);
  const log = new ActivityLog(core);
  await core.connect({ url: primary.url, role: 'operator', ...testLogin('Remote Tech'), ...(secondary ? { secondaryUrl: secondary.url } : {}) });
  return { gateway, primary, secondary, core, log };
}

describe('link health: detection', () => {
  it('shows a silent cut (black hole, no FIN) as lost within the bound, from its own figures', async () => {
    const { primary, log } = await setup();
    await sleep(1500); // a few heartbeats, so the monitor has a baseline
    const from = log.length;
    const cutAt = primary.blackhole();
    const lost = await log.health('lost', from);
    const detectionMs = lost.atMs - cutAt;
    console.log(`silent cut detected after ${detectionMs.toFixed(0)} ms (silence ${lost.silenceMs} ms, limit ${lost.lostAfterMs} ms)`);
    expect(lost.code).toBe(ErrorCode.HEARTBEAT_LOST);
    expect(lost.silenceMs).toBeGreaterThan(lost.lostAfterMs!);
    expect(detectionMs).toBeLessThanOrEqual(SILENT_CUT_DETECTION_BOUND_MS);
  });

  it('shows a clean close (FIN) as lost within the bound', async () => {
    const { primary, log } = await setup();
    await sleep(500);
    const from = log.length;
    const closedAt = primary.closeClean();
    const lost = await log.health('lost', from);
    const detectionMs = lost.atMs - closedAt;
    console.log(`clean close detected after ${detectionMs.toFixed(1)} ms`);
    expect(lost.code).toBe(ErrorCode.LINK_DOWN);
    expect(detectionMs).toBeLessThanOrEqual(CLEAN_CLOSE_DETECTION_BOUND_MS);
  });

  it('shows a reset (RST) as lost within the clean-close bound', async () => {
    const { primary, log } = await setup();
    await sleep(300);
    const from = log.length;
    const resetAt = primary.reset();
    const lost = await log.health('lost', from);
    expect(lost.atMs - resetAt).toBeLessThanOrEqual(CLEAN_CLOSE_DETECTION_BOUND_MS);
  });

  it('does not take a stall of its own process for the gateway falling silent, and still finds a cut after it', async () => {
    const { primary, log } = await setup();
    await sleep(1500);
    const from = log.length;
    // A long task in the workstation's own process: nothing runs, the gateway's frames wait unread.
    const until = performance.now() + 2 * HEALTH_THRESHOLDS.lostFloorMs;
    while (performance.now() < until);
    await sleep(1500);
    expect(log.all.slice(from).filter((a) => a.type === 'health' && a.state === 'lost')).toEqual([]);
    primary.blackhole();
    expect((await log.health('lost', from)).code).toBe(ErrorCode.HEARTBEAT_LOST);
  });

  it('reports RTT, jitter, loss and graph samples while healthy', async () => {
    const { core } = await setup();
    await sleep(1500);
    const h = core.view().health;
    expect(h.state).toBe('healthy');
    expect(h.rttMs).not.toBeNull();
    expect(h.lossPct).toBe(0);
    expect(h.samples.length).toBeGreaterThanOrEqual(3);
    expect(h.samples.every((s) => s.rttMs !== null)).toBe(true);
  });
});

describe('link health: reconnect and failover', () => {
  it('fails over to the secondary route when the primary goes silent', async () => {
    const { primary, core, log } = await setup({ secondary: true });
    await sleep(600);
    const from = log.length;
    primary.blackhole();
    const back = await log.health('healthy', from);
    expect(back.route).toBe('secondary');
    expect(core.view().health).toMatchObject({ state: 'healthy', route: 'secondary', failedOver: true });
    expect(core.view().link.status).toBe('connected');
  });

  it('sends commands on the secondary route once failed over', async () => {
    const { primary, core, log } = await setup({ secondary: true });
    await sleep(300);
    const from = log.length;
    primary.blackhole(); // silent: the gateway still sees the old session as the control holder
    await log.health('healthy', from);
    expect(core.view().health.route).toBe('secondary');
    expect(await core.sendCommand(OPEN_EXAM)).toMatchObject({ state: 'done' });
  });

  it('gets control back after a silent cut the gateway cannot see yet, and the operator commands again', async () => {
    // A long gateway heartbeat: the old session would be dropped only after 16 s of silence.
    gateway = await startTestGateway({ requireChecklist: false, heartbeatIntervalMs: 2000 });
    const primary = await FaultProxy.start(gateway.port);
    const secondary = await FaultProxy.start(gateway.port);
    proxies.push(primary, secondary);
    const core = new WorkstationCore({ random: seededRandom(7) });
    cores.push(core);
    const log = new ActivityLog(core);
    await core.connect({ url: primary.url, secondaryUrl: secondary.url, role: 'operator', ...testLogin('Remote Tech') });
    onsites.push(await onsiteGrants(gateway, 'Remote Tech'));
    await sleep(300);
    const holder = gateway.snapshot().control.holderSessionId;
    const from = log.length;
    primary.blackhole(); // stays dark: no FIN, no RST ever reaches the gateway
    await log.health('lost', from);
    expect(gateway.snapshot().control.holderSessionId).toBe(holder); // the gateway has not noticed
    await log.health('healthy', from);
    expect(await core.sendCommand(OPEN_EXAM)).toMatchObject({ state: 'done' });
    expect(gateway.snapshot().control.holderSessionId).toBe(core.view().link.sessionId);
    expect(gateway.snapshot().onsite?.operatorLoss).toBeNull();
    const superseded = gateway.store.auditTrail().filter((r) => r.action === 'session' && r.decision === 'terminated');
    expect(superseded).toMatchObject([{ sessionId: holder, detail: { reason: 'superseded by reconnect' } }]);
  });

  it('reconnects to the primary after the gateway closes, with backoff', async () => {
    const { primary, core, log } = await setup();
    const from = log.length;
    primary.reset();
    await log.health('reconnecting', from);
    await log.health('healthy', from);
    expect(core.view().link.status).toBe('connected');
  });

  it('refuses scanner commands while the link is lost, saying why, instead of queueing them', async () => {
    const { primary, core, log } = await setup();
    await sleep(300);
    const from = log.length;
    primary.blackhole();
    await log.health('lost', from);
    const view = await core.sendCommand(OPEN_EXAM);
    expect(view).toMatchObject({ state: 'rejected', code: ErrorCode.LINK_DOWN });
    expect(view.reason).toMatch(/not queued/);
    primary.heal();
    await log.health('healthy', from);
    expect(gateway!.snapshot().exam).toBeNull();
  });

  it('resolves a command in flight during a cut after the reconnect, applied once', async () => {
    const { primary, core, log } = await setup();
    await sleep(300);
    const from = log.length;
    primary.blackhole(); // the command vanishes on the way; the gateway sees nothing
    const pending = core.sendCommand(OPEN_EXAM);
    await log.health('lost', from);
    primary.heal();
    const view = await pending;
    expect(view).toMatchObject({ state: 'done' });
    expect(log.all.filter((a) => a.type === 'resend' && a.id === view.id)).toHaveLength(1);
    const decisions = gateway!.store.auditTrail(10_000).filter((r) => r.action === 'command exam.open' && r.decision !== 'duplicate');
    expect(decisions).toHaveLength(1);
  });

  it('gives up after the reconnect budget with a clear code, and recovers the outcome at the next connect', async () => {
    const { primary, core, log } = await setup({ budgetMs: 1500 });
    await sleep(300);
    const from = log.length;
    // Reaches the gateway (applied), but the ack never comes back.
    const ackLost = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (gateway!.snapshot().exam) {
          clearInterval(t);
          primary.blackhole();
          resolve();
        }
      }, 1);
    });
    primary.setConditions({ delayMs: 100 });
    const view = core.sendCommand(OPEN_EXAM);
    await ackLost;
    expect(await view).toMatchObject({ state: 'rejected', code: ErrorCode.RECONNECT_EXHAUSTED });
    expect(core.view().health.state).toBe('failed');
    primary.heal();
    primary.setConditions({ delayMs: 0 });
    await core.connect({ url: primary.url, role: 'operator', ...testLogin('Remote Tech') });
    const recovered = await log.next((a) => a.type === 'ack' && a.recovered === true, from);
    expect(recovered).toMatchObject({ name: 'exam.open', outcome: 'done' });
  });
});

describe('link health: resume', () => {
  it('misses no event or image and shows none twice across repeated cuts', async () => {
    const { gateway: gw, primary, core, log } = await setup({ secondary: true });
    const images: string[] = [];
    // The core calls the decoder only for numbers it has not seen: each call is one new image.
    core.setImageDecoder((frame) => {
      const { header, part10 } = decodeImageFrame(frame);
      images.push(header.sopInstanceUid);
      return { ok: true, seq: header.seq, header, part10, images: [] };
    });
    const random = seededRandom(11);
    const TOTAL = 300;
    let published = 0;
    const producer = setInterval(() => {
      if (published >= TOTAL) return clearInterval(producer);
      const n = published++;
      if (n % 3 === 0)
        gw.publishImage(
          { source: 'simulator', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: `1.2.3.${n}`, seriesUid: '1.2.3', imagesInSeries: null },
          new Uint8Array(64),
        );
      else gw.notice('info', `n-${n}`);
    }, 5);
    // Cut the live route a few times while events flow, alternating kinds of fault.
    for (let i = 0; i < 4; i++) {
      await sleep(150 + random() * 200);
      const from = log.length;
      if (i % 2 === 0) primary.reset();
      else proxies[1].reset();
      await log.health('healthy', from);
    }
    while (published < TOTAL) await sleep(20);
    await sleep(300);
    const notices = log.all.filter((a) => a.type === 'notice' && a.text.startsWith('n-')).map((a) => Number((a as { text: string }).text.slice(2)));
    const expectedNotices = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => n % 3 !== 0);
    const expectedImages = Array.from({ length: TOTAL }, (_, n) => n)
      .filter((n) => n % 3 === 0)
      .map((n) => `1.2.3.${n}`);
    expect(notices).toEqual(expectedNotices);
    expect(images).toEqual(expectedImages);
    expect(log.all.filter((a) => a.type === 'resume' && a.mode === 'replay').length).toBeGreaterThanOrEqual(4);
  });

  it('notices a restarted gateway (numbering from 1 again) and keeps taking its events', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    const options = { dataFile, autoGrantControl: true, requireChecklist: false };
    gateway = await Gateway.start({ port: 0, ...options });
    await addCommonTestAccounts(gateway);
    const port = gateway.port;
    const core = new WorkstationCore({ random: seededRandom(3), reconnect: { baseDelayMs: 50 } });
    cores.push(core);
    const log = new ActivityLog(core);
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
    for (let i = 0; i < 50; i++) gateway.notice('info', `before-${i}`);
    await log.next((a) => a.type === 'notice' && a.text === 'before-49');
    const from = log.length;
    await gateway.close();
    gateway = await Gateway.start({ port, ...options });
    await log.health('healthy', from);
    expect(await log.next((a) => a.type === 'resume' && a.mode === 'restarted', from)).toBeTruthy();
    gateway.notice('info', 'after-restart');
    expect(await log.next((a) => a.type === 'notice' && a.text === 'after-restart', from)).toBeTruthy();
    expect(core.view().snapshot?.participants.map((p) => p.name)).toContain('Remote Tech');
  });

  it('after a gateway restart on the same data file, takes its fresh snapshot and misses no image or event that follows', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    const options = { port: 0, dataFile, autoGrantControl: true, requireChecklist: false };
    gateway = await Gateway.start(options);
    await addCommonTestAccounts(gateway);
    const proxy = await FaultProxy.start(gateway.port);
    proxies.push(proxy);
    const core = new WorkstationCore({ random: seededRandom(3), reconnect: { baseDelayMs: 50 } });
    cores.push(core);
    const log = new ActivityLog(core);
    const images: string[] = [];
    // The core calls the decoder only for numbers it has not seen: each call is one new image.
    core.setImageDecoder((frame) => {
      const { header, part10 } = decodeImageFrame(frame);
      images.push(header.sopInstanceUid);
      return { ok: true, seq: header.seq, header, part10, images: [] };
    });
    await core.connect({ url: proxy.url, role: 'operator', ...testLogin('Remote Tech') });
    expect(await core.sendCommand(OPEN_EXAM)).toMatchObject({ state: 'done' });
    for (let i = 0; i < 30; i++) gateway.notice('info', `before-${i}`);
    await log.next((a) => a.type === 'notice' && a.text === 'before-29');
    const resumePoint = core.lastEventSeq;
    const from = log.length;
    await gateway.close();
    await log.health('lost', from);
    gateway = await Gateway.start(options);
    // The new boot numbers past the old resume point before the workstation is back: its
    // numbers must not be taken for the old boot's.
    for (let i = 0; gateway.events.lastSeq <= resumePoint + 10; i++) gateway.notice('info', `between-${i}`);
    proxy.retarget(gateway.port);
    await log.health('healthy', from);
    expect(await log.next((a) => a.type === 'resume', from)).toMatchObject({ mode: 'restarted', fromSeq: resumePoint });
    expect(core.view().snapshot?.exam).toBeNull(); // the new boot's scanner
    const TOTAL = 60;
    for (let n = 0; n < TOTAL; n++) {
      if (n % 3 === 0)
        gateway.publishImage(
          { source: 'simulator', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: `1.2.9.${n}`, seriesUid: '1.2.9', imagesInSeries: null },
          new Uint8Array(64),
        );
      else gateway.notice('info', `after-${n}`);
    }
    gateway.notice('info', 'the-end');
    await log.next((a) => a.type === 'notice' && a.text === 'the-end', from);
    const after = log.all
      .slice(from)
      .filter((a) => a.type === 'notice' && a.text.startsWith('after-'))
      .map((a) => (a as { text: string }).text);
    expect(after).toEqual(
      Array.from({ length: TOTAL }, (_, n) => n)
        .filter((n) => n % 3 !== 0)
        .map((n) => `after-${n}`),
    );
    expect(images).toEqual(
      Array.from({ length: TOTAL }, (_, n) => n)
        .filter((n) => n % 3 === 0)
        .map((n) => `1.2.9.${n}`),
    );
    // Nothing of the new boot from before the reconnect is replayed as if it followed the old one:
    // its notices come in its notice history, marked as earlier than the welcome.
    const between = log.all.slice(from).filter((a) => a.type === 'notice' && a.text.startsWith('between-'));
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((a) => a.type === 'notice' && a.earlier !== undefined)).toBe(true);
  });

  it('takes a fresh snapshot when the gap is older than the gateway keeps', async () => {
    const { gateway: gw, primary, core, log } = await setup();
    await sleep(300);
    const from = log.length;
    primary.blackhole();
    await log.health('lost', from);
    for (let i = 0; i < 5200; i++) gw.notice('info', `flood-${i}`); // more than the EventBuffer keeps
    primary.heal();
    const resume = await log.next((a) => a.type === 'resume', from);
    expect(resume).toMatchObject({ mode: 'snapshot' });
    expect(core.lastEventSeq).toBeGreaterThanOrEqual(5200);
  });
});
