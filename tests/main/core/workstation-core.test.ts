import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ErrorCode, MAX_DISPLAY_NAME_CHARS, SUBPROTOCOL } from '../../../protocol/index.js';
import { cutText } from '../../../base/common/cut-text.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { checkLinkUrl } from '../../../main/core/gateway-link.js';
import type { Activity } from '../../../main/core/activity.js';
import type { LogEntry } from '../../../protocol/api.js';
import type Database from 'better-sqlite3';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Journal } from '../../../main/journal/journal.js';
import { OPEN_EXAM, startTestGateway } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';
import { ensureTestAccount, testLogin } from '../../helpers/accounts.js';

let gateway: Gateway | undefined;
const cores: WorkstationCore[] = [];
const onsites: OnsiteClient[] = [];

function core(): WorkstationCore {
  const c = new WorkstationCore();
  cores.push(c);
  return c;
}

afterEach(async () => {
  for (const c of cores.splice(0)) c.disconnect();
  for (const o of onsites.splice(0)) o.close();
  await gateway?.close();
  gateway = undefined;
});

function until(c: WorkstationCore, predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    const check = () => {
      if (predicate()) {
        c.off('state', check);
        resolve();
      }
    };
    c.on('state', check);
  });
}

describe('WorkstationCore', () => {
  it('connects, mirrors the scanner and relays commands to their outcome', async () => {
    gateway = await startTestGateway({ timeScale: 500, requireChecklist: false });
    const c = core();
    await c.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
    onsites.push(await onsiteGrants(gateway, 'Remote Tech'));
    expect(c.view().link.status).toBe('connected');
    expect((await c.sendCommand(OPEN_EXAM)).state).toBe('done');
    expect((await c.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).state).toBe('done');
    const started = await c.sendCommand({ name: 'scan.start' });
    expect(started).toMatchObject({ state: 'done', code: null });
    await until(c, () => c.view().snapshot?.state === 'completed');
    expect(c.view().commands.map((v) => v.state)).toEqual(['done', 'done', 'done']);
  });

  it('gives a refused command its code and reason, exactly once', async () => {
    gateway = await startTestGateway();
    const c = core();
    const activity: Activity[] = [];
    c.on('activity', (a) => activity.push(a));
    await c.connect({ url: gateway.url, role: 'observer', ...testLogin('Trainer') });
    const view = await c.sendCommand(OPEN_EXAM);
    expect(view).toMatchObject({ state: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
    expect(activity.filter((a) => a.type === 'ack' && a.id === view.id)).toHaveLength(1);
  });

  it('refuses to send while disconnected, saying why', async () => {
    const view = await core().sendCommand({ name: 'scan.stop' });
    expect(view).toMatchObject({ state: 'rejected', code: ErrorCode.LINK_DOWN });
  });

  it('reports a refused handshake with the gateway code', async () => {
    gateway = await startTestGateway({ token: 'right' });
    const c = core();
    await expect(c.connect({ url: gateway.url, role: 'operator', ...testLogin('X'), token: 'wrong' })).rejects.toMatchObject({
      code: ErrorCode.UNAUTHENTICATED,
    });
    expect(c.view().link).toMatchObject({ status: 'refused', error: { code: ErrorCode.UNAUTHENTICATED } });
  });

  it("connects a person whose account's display name is longer than a hello's name may be", async () => {
    gateway = await startTestGateway();
    const name = 'Dr. Maximilian Alexander von Hohenzollern-Sigmaringen, MD PhD FRCR';
    expect(name.length).toBeGreaterThan(64);
    await ensureTestAccount(gateway, name);
    const c = core();
    const welcome = await c.connect({ url: gateway.url, role: 'operator', ...testLogin(name) });
    // Stored before names had a limit: named by its first 64 characters (gateway/accounts/account-store.ts).
    expect(welcome.session.name).toBe(cutText(name, MAX_DISPLAY_NAME_CHARS));
    expect(c.view().link.status).toBe('connected');
  });

  it("ends an attempt whose hello the gateway answers with an error, with the gateway's code and words", async () => {
    const wss = new WebSocketServer({ port: 0, handleProtocols: () => SUBPROTOCOL });
    wss.on('connection', (ws) => ws.on('message', () => ws.send(JSON.stringify({ type: 'error', code: ErrorCode.RATE_LIMITED, message: 'slow down' }))));
    try {
      const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
      await expect(core().connect({ url, role: 'operator', name: 'X' })).rejects.toMatchObject({
        code: ErrorCode.RATE_LIMITED,
        message: 'the gateway did not take the hello: slow down',
      });
    } finally {
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });

  it('reports an unreachable gateway as a link error', async () => {
    const wss = new WebSocketServer({ port: 0 });
    const port = (wss.address() as { port: number }).port;
    await new Promise<void>((r) => wss.close(() => r()));
    await expect(core().connect({ url: `ws://127.0.0.1:${port}/`, role: 'operator', ...testLogin('X') })).rejects.toMatchObject({ code: ErrorCode.LINK_DOWN });
  });

  it('keeps an in-flight command through a lost link and gives up with a clear code when the reconnect budget is spent', async () => {
    // A gateway that welcomes, then swallows the command and goes away for good.
    const wss = new WebSocketServer({ port: 0, handleProtocols: () => SUBPROTOCOL });
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === 'hello') ws.send(JSON.stringify(fakeWelcome()));
        if (m.type === 'command') {
          ws.terminate();
          wss.close();
        }
      }),
    );
    const port = (wss.address() as { port: number }).port;
    const c = new WorkstationCore({ reconnect: { budgetMs: 600, baseDelayMs: 50 } });
    cores.push(c);
    await c.connect({ url: `ws://127.0.0.1:${port}/`, role: 'operator', name: 'X' });
    const view = await c.sendCommand({ name: 'scan.stop' });
    expect(view).toMatchObject({ state: 'rejected', code: ErrorCode.RECONNECT_EXHAUSTED });
    expect(c.view().link.status).toBe('lost');
    expect(c.view().health.state).toBe('failed');
  });

  it('never resends a command journalled for another site', async () => {
    gateway = await startTestGateway({ autoGrantControl: true });
    const journal = Journal.open(join(tempDir(), 'journal.sqlite'));
    journal.enqueue('cmd-elsewhere-1', { name: 'scan.stop' }, new Date().toISOString(), 'wss://another-site.example/');
    const c = new WorkstationCore({ journal });
    cores.push(c);
    const activity: Activity[] = [];
    c.on('activity', (a) => activity.push(a));
    await c.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
    expect(activity.filter((a) => a.type === 'resend')).toEqual([]);
    expect(journal.unsettled().map((e) => e.id)).toEqual(['cmd-elsewhere-1']);
    c.disconnect();
    journal.close();
  });

  it('goes on relaying commands when its journal cannot be written, and says so in the log once', async () => {
    gateway = await startTestGateway({ requireChecklist: false });
    const journal = Journal.open(join(tempDir(), 'journal.sqlite'));
    const c = new WorkstationCore({ journal });
    cores.push(c);
    const log: LogEntry[] = [];
    c.on('log', (entry) => log.push(entry));
    await c.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
    onsites.push(await onsiteGrants(gateway, 'Remote Tech'));
    // The file can no longer be written (a full disk, a volume remounted read-only): SQLite refuses every write.
    const db = (journal as unknown as { db: Database.Database }).db;
    db.pragma('query_only = 1');
    // A scan stop refused because the disk is full would be worse than one not kept across a crash.
    expect(await c.sendCommand(OPEN_EXAM)).toMatchObject({ state: 'done' });
    expect(await c.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({ state: 'done' });
    const failing = log.filter((e) => e.text.startsWith('journal not written'));
    expect(failing).toEqual([expect.objectContaining({ level: 'alarm', error: expect.objectContaining({ code: ErrorCode.JOURNAL_READONLY }) })]);
    db.pragma('query_only = 0');
    expect(await c.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({ state: 'done' });
    expect(log.filter((e) => e.text.startsWith('journal written again'))).toHaveLength(1);
    // Written again from then on: the outbox holds the last command, settled.
    expect(journal.unsettled()).toEqual([]);
    expect(journal.activities('journal').map((a) => a.state)).toEqual(['writing']);
    c.disconnect();
    journal.close();
  });

  it('lets a newer connect supersede one still in progress', async () => {
    gateway = await startTestGateway();
    const silent = createServer(() => {}); // accepts TCP, never answers the upgrade
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const c = core();
    const first = c.connect({ url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, role: 'operator', name: 'X' });
    const second = c.connect({ url: gateway.url, role: 'operator', ...testLogin('X') });
    await expect(first).rejects.toMatchObject({ code: ErrorCode.LINK_DOWN });
    await second;
    expect(c.view().link).toMatchObject({ status: 'connected', url: gateway.url });
    silent.close();
  });

  it('validates the connect request', async () => {
    await expect(core().connect({ url: 'http://x', role: 'operator', ...testLogin('X') })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER });
  });
});

describe('checkLinkUrl', () => {
  it('allows cleartext on loopback only', () => {
    expect(checkLinkUrl('ws://127.0.0.1:9000/')).toBeNull();
    expect(checkLinkUrl('ws://[::1]:9000/')).toBeNull();
    expect(checkLinkUrl('ws://scanner.hospital.example/')).toMatchObject({ code: 'LARMOR_E_INSECURE_LINK' });
    expect(checkLinkUrl('wss://scanner.hospital.example/')).toBeNull();
  });
});

function fakeWelcome() {
  return {
    type: 'welcome',
    version: 1,
    session: { id: 's', role: 'operator', name: 'X' },
    bootId: 'fake-boot',
    heartbeat: { intervalMs: 1000 },
    policy: { onOperatorLoss: 'x', fallbackInstructions: 'y', controlGraceS: 1 },
    snapshot: {
      site: { name: 's', scanner: 's', fieldStrengthT: 1.5 },
      state: 'idle',
      exam: null,
      queue: [],
      activeSequenceId: null,
      control: { holderSessionId: 's', holderName: 'X' },
      participants: [],
      library: [],
      limits: {},
      timeScale: 1,
    },
    lastSeq: 0,
  };
}
