/**
 * A gateway (or what stands between it and the workstation) that says things the protocol does
 * not allow, or more than a gateway holds: a chunk header declaring a gigabyte, chunked images
 * that never finish, an event numbered far ahead or going back, a second welcome, more
 * participants than any gateway has sessions; or a link that loses a welcome on the way, so that
 * the gateway refuses the reconnects after it. A relay passes a real gateway's frames to the core
 * and lets a test slip frames of its own among them. The core must log each with its code, hold
 * no memory for what did not arrive, and keep taking what the gateway really says
 * (docs/architecture.md "Wire protocol", "The image's path", "Link health").
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_PARTICIPANTS_KEPT, decodeImageFrame, encodeImageFrame, type ImageFrameHeader } from '../../../protocol/index.js';
import { OPEN_EXAM } from '../../helpers/gateway.js';
import type { Activity } from '../../../main/core/activity.js';
import { useRelayedCore, type ActivityLog, type RelayedCore } from './core-harness.js';

const relayedCore = useRelayedCore();

function setup(gatewayOptions: Parameters<typeof relayedCore>[0] = {}) {
  return relayedCore({ autoGrantControl: true, requireChecklist: false, ...gatewayOptions }, { baseDelayMs: 50 });
}

/** How long a test waits for what the core should log or take (a bound on waiting, not on speed): one reconnect fits many times. */
const WAIT = { timeout: 15_000 };

/** The first activity from `from` on that matches, waited for (WAIT). */
async function logged(log: ActivityLog, match: (a: Activity) => boolean, from = 0): Promise<Activity> {
  await expect.poll(() => log.all.slice(from).some(match), WAIT).toBe(true);
  return log.all.slice(from).find(match)!;
}

const EMERGENCY_STOP = { kind: 'emergency-stop' as const, detail: 'by Onsite', by: 'Onsite', scanStopped: true };

function event(seq: number, text: string): string {
  return JSON.stringify({ type: 'event', seq, at: new Date().toISOString(), body: { kind: 'notice', level: 'info', text } });
}

describe('event numbers out of step', () => {
  it('does not take an event numbered far ahead: logs it with its code, resumes, and gets the emergency stop that follows', async () => {
    const { gateway, relay, core, log } = await setup();
    expect(await core.sendCommand(OPEN_EXAM)).toMatchObject({ state: 'done' });
    const before = core.lastEventSeq;
    const from = log.length;
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    gateway.notice('alarm', 'EMERGENCY STOP by Onsite', EMERGENCY_STOP);
    gateway.notice('info', 'after the stop');

    await expect.poll(() => log.all.slice(from).some((a) => a.type === 'notice' && a.alarm?.kind === 'emergency-stop'), WAIT).toBe(true);
    await expect.poll(() => log.all.slice(from).some((a) => a.type === 'notice' && a.text === 'after the stop'), WAIT).toBe(true);
    const anomaly = await logged(log, (a) => a.type === 'protocol-error' && a.code === ErrorCode.EVENT_NUMBER_OUT_OF_STEP, from);
    expect(anomaly).toMatchObject({ message: expect.stringContaining('9000000000') });
    expect(log.all.slice(from).some((a) => a.type === 'notice' && a.text === 'numbered far ahead')).toBe(false);
    expect(core.lastEventSeq).toBeGreaterThan(before);
    expect(core.lastEventSeq).toBeLessThan(9_000_000_000);
    // The scanner view follows the gateway again.
    expect(await core.sendCommand({ name: 'exam.close' })).toMatchObject({ state: 'done' });
    await expect.poll(() => core.view().snapshot?.exam, WAIT).toBeNull();
  });

  it('after a number a little ahead, taken, logs every notice the gateway really numbered, and only once', async () => {
    const { gateway, relay, core, log } = await setup();
    gateway.notice('info', 'before the jump');
    await logged(log, (a) => a.type === 'notice' && a.text === 'before the jump');
    const from = log.length;
    // Within the step a gateway may have skipped, so taken; the gateway's own numbers then go back.
    relay.inject({ data: event(core.lastEventSeq + 5_000, 'a little ahead'), binary: false });
    await logged(log, (a) => a.type === 'notice' && a.text === 'a little ahead', from);
    gateway.notice('alarm', 'EMERGENCY STOP by Onsite', EMERGENCY_STOP);
    gateway.notice('info', 'after the stop');
    await logged(log, (a) => a.type === 'protocol-error' && a.code === ErrorCode.EVENT_NUMBER_OUT_OF_STEP, from);
    await expect.poll(() => log.all.slice(from).some((a) => a.type === 'notice' && a.alarm?.kind === 'emergency-stop'), WAIT).toBe(true);
    await expect.poll(() => log.all.slice(from).some((a) => a.type === 'notice' && a.text === 'after the stop'), WAIT).toBe(true);
    expect(log.all.filter((a) => a.type === 'notice' && a.text === 'before the jump')).toHaveLength(1);
  });

  it('logs a number going back on a live link, with no replay under way, and keeps taking events after it', async () => {
    const { gateway, relay, core, log } = await setup();
    gateway.notice('info', 'first');
    await logged(log, (a) => a.type === 'notice' && a.text === 'first');
    const from = log.length;
    relay.inject({ data: event(core.lastEventSeq, 'an old number again'), binary: false });
    gateway.notice('info', 'second');
    const anomaly = await logged(log, (a) => a.type === 'protocol-error' && a.code === ErrorCode.EVENT_NUMBER_OUT_OF_STEP, from);
    expect(anomaly).toMatchObject({ message: expect.stringContaining('no replay') });
    await expect.poll(() => log.all.slice(from).some((a) => a.type === 'notice' && a.text === 'second'), WAIT).toBe(true);
    expect(log.all.some((a) => a.type === 'notice' && a.text === 'an old number again')).toBe(false);
    expect(log.all.slice(from).filter((a) => a.type === 'notice' && a.text === 'second')).toHaveLength(1);
  });
});

/** The welcome the gateway gave this core, as the relay passed it on. */
function welcomeSent(relay: RelayedCore['relay']): Record<string, unknown> {
  const texts = relay.seen.filter((f) => !f.binary).map((f) => JSON.parse(f.data.toString('utf8')) as Record<string, unknown>);
  return texts.find((m) => m.type === 'welcome')!;
}

describe('welcomes the gateway did not send', () => {
  it('takes no second welcome on a live link: logs it, keeps its session, and resumes with the secret the gateway gave', async () => {
    const { relay, core, log } = await setup();
    const welcome = welcomeSent(relay);
    const sessionId = core.view().link.sessionId;
    expect(core.view().snapshot?.control.holderSessionId).toBe(sessionId);
    const session = { ...(welcome.session as object), id: 'not-this-session' };
    relay.inject({ data: JSON.stringify({ ...welcome, session, resumeSecret: 'n'.repeat(32), lastSeq: 0 }), binary: false });
    await logged(log, (a) => a.type === 'protocol-error' && a.code === ErrorCode.ALREADY_GREETED);
    expect(core.view().link.sessionId).toBe(sessionId);

    // Dropped and resumed: the gateway's own secret takes scanner control back for the new session.
    const from = log.length;
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'resume', from);
    await expect.poll(() => core.view().link.status, WAIT).toBe('connected');
    expect(core.view().link.sessionId).not.toBe(sessionId);
    await expect.poll(() => core.view().snapshot?.control.holderSessionId, WAIT).toBe(core.view().link.sessionId);
  });

  it('refuses a welcome whose resume secret the next hello could not carry, and so keeps reconnecting', async () => {
    const { relay, core, log } = await setup();
    relay.inject({ data: JSON.stringify({ ...welcomeSent(relay), resumeSecret: 'x' }), binary: false });
    const refused = await logged(log, (a) => a.type === 'protocol-error' && a.code === ErrorCode.INVALID_MESSAGE);
    expect(refused).toMatchObject({ message: expect.stringContaining('resumeSecret') });

    const from = log.length;
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'resume', from);
    await expect.poll(() => core.view().link.status, WAIT).toBe('connected');
    expect(log.all.slice(from).filter((a) => a.type === 'protocol-error' && a.code === ErrorCode.INVALID_MESSAGE)).toEqual([]);
  });
});

describe('more participants than a gateway holds', () => {
  it('keeps the newest 2,048 of a gateway announcing more, its own session always among them, and keeps following the gateway', async () => {
    const { gateway, relay, core, log } = await setup();
    const me = core.view().link.sessionId;
    const start = core.lastEventSeq;
    const arrivals = MAX_PARTICIPANTS_KEPT + 100;
    for (let i = 1; i <= arrivals; i++) {
      const participant = { sessionId: `arrival-${String(i).padStart(5, '0')}`, name: `Arrival ${i}`, role: 'observer', connectedAt: new Date().toISOString() };
      relay.inject({
        data: JSON.stringify({ type: 'event', seq: start + i, at: new Date().toISOString(), body: { kind: 'participant.joined', participant } }),
        binary: false,
      });
    }
    await expect.poll(() => core.lastEventSeq, WAIT).toBe(start + arrivals);
    const kept = core.view().snapshot!.participants.map((p) => p.sessionId);
    expect(kept).toHaveLength(MAX_PARTICIPANTS_KEPT);
    expect(kept).toContain(me);
    expect(kept.at(-1)).toBe(`arrival-${String(arrivals).padStart(5, '0')}`);
    expect(kept).not.toContain('arrival-00001');

    // The gateway's own numbers go back after the injected ones: the core resumes and shows what the gateway holds.
    const from = log.length;
    gateway.notice('info', 'after the arrivals');
    await logged(log, (a) => a.type === 'notice' && a.text === 'after the arrivals', from);
    await expect.poll(() => core.view().snapshot?.participants.length, WAIT).toBe(1);
  });
});

describe('reconnects the gateway refuses', () => {
  it('takes scanner control back when its welcome was lost on the way and it says hello again with the same secret', async () => {
    const { gateway, relay, core, log } = await setup();
    expect(core.view().snapshot?.control.holderSessionId).toBe(core.view().link.sessionId);
    relay.loseNextWelcome();
    const from = log.length;
    // Dropped and resumed: the gateway takes the secret for a session whose welcome never arrives
    // and that it still sees alive. That session never answers: the next hello with the secret is
    // its client trying again, not a replay.
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'resume', from);
    await expect.poll(() => core.view().link.status, WAIT).toBe('connected');
    expect(log.all.slice(from).some((a) => a.type === 'reconnect-refused')).toBe(false);
    await expect.poll(() => core.view().snapshot?.control.holderSessionId, WAIT).toBe(core.view().link.sessionId);
    await expect.poll(() => gateway.snapshot().participants.filter((p) => p.name === 'Remote Tech').length, WAIT).toBe(1);
  });

  it('reconnects without its resume secret when the gateway refuses it as used by a session that answered its welcome', async () => {
    const { gateway, relay, core, log } = await setup();
    relay.loseNextWelcome({ answered: true });
    const from = log.length;
    // The session that took the secret answers, as if its client had the welcome: the next hello
    // with that secret is a replay to the gateway.
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'reconnect-refused' && a.code === ErrorCode.RESUME_REPLAYED && a.next === 'without-secret', from);
    await logged(log, (a) => a.type === 'resume', from);
    await expect.poll(() => core.view().link.status, WAIT).toBe('connected');
    // Control stays with the session that took the secret, until the gateway sees it gone.
    expect(core.view().snapshot?.control.holderSessionId).not.toBe(core.view().link.sessionId);
    expect(gateway.snapshot().participants.filter((p) => p.name === 'Remote Tech')).toHaveLength(2);
  });

  it('tries again later when the gateway refuses a reconnect of an account starting sessions too fast', async () => {
    // One session start at once, then one every 5 s: the connect takes it, the reconnect waits.
    const { relay, core, log } = await setup({ linkLimits: { sessionStartsPerSecond: 0.2, sessionStartBurst: 1 } });
    const from = log.length;
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'reconnect-refused' && a.code === ErrorCode.RATE_LIMITED && a.next === 'later', from);
    await expect.poll(() => core.view().link.status, { timeout: 30_000 }).toBe('connected');
    expect(log.all.slice(from).some((a) => a.type === 'health' && a.state === 'failed')).toBe(false);
  });

  it('tries again later when the gateway refuses a reconnect for want of room, until a session of the account ends', async () => {
    const { relay, core, log } = await setup({ linkLimits: { sessionsPerAccount: 1 } });
    relay.loseNextWelcome({ answered: true });
    const from = log.length;
    // The lost attempt's session holds the account's one place: every attempt after it is refused.
    relay.inject({ data: event(9_000_000_000, 'numbered far ahead'), binary: false });
    await logged(log, (a) => a.type === 'reconnect-refused' && a.code === ErrorCode.TOO_MANY_SESSIONS && a.next === 'later', from);
    expect(core.view().link.status).toBe('lost');
    expect(log.all.slice(from).some((a) => a.type === 'health' && a.state === 'failed')).toBe(false);

    relay.endHalfOpen();
    await expect.poll(() => core.view().link.status, WAIT).toBe('connected');
    expect(log.all.slice(from).filter((a) => a.type === 'reconnect-refused')).toHaveLength(1);
  });
});

const IMAGE: Omit<ImageFrameHeader, 'seq' | 'at'> = {
  source: 'simulator',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopInstanceUid: '2.25.9',
  seriesUid: '2.25.8',
  imagesInSeries: null,
};

/** A first chunk of 16 bytes declaring `total`, the rest never sent. */
function claim(seq: number, total: number): Uint8Array {
  return encodeImageFrame({ ...IMAGE, seq, at: new Date().toISOString(), part: { index: 0, count: 2, offset: 0, total } }, new Uint8Array(16));
}

describe('chunked images that do not arrive', () => {
  it("refuses a chunk declaring more than the decoder's object limit, drops unfinished ones with a code, and keeps taking images", async () => {
    const { gateway, relay, core, log } = await setup();
    const taken: string[] = [];
    core.setImageDecoder(
      (frame) => {
        const { header, part10 } = decodeImageFrame(frame);
        taken.push(header.sopInstanceUid);
        return { ok: true, seq: header.seq, header, part10, images: [] };
      },
      { maxObjectBytes: 8 * 1024 * 1024 },
    );
    const next = core.lastEventSeq + 1;
    relay.inject({ data: claim(next, 1024 * 1024 * 1024), binary: true });
    const tooLarge = await logged(log, (a) => a.type === 'image-error' && a.code === ErrorCode.FRAME_TOO_LARGE);
    expect(tooLarge).toMatchObject({ message: expect.stringContaining('1073741824') });

    const from = log.length;
    for (let i = 0; i < 50; i++) relay.inject({ data: claim(next + i, 4 * 1024 * 1024), binary: true });
    await expect.poll(() => log.all.slice(from).filter((a) => a.type === 'image-error' && a.code === ErrorCode.INVALID_MESSAGE).length, WAIT).toBe(49);

    gateway.publishImage({ ...IMAGE, sopInstanceUid: '2.25.10' }, new Uint8Array(64));
    await expect.poll(() => taken, WAIT).toEqual(['2.25.10']);
    expect(core.view().link.status).toBe('connected');
  });
});
