import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type EventMessage, type WelcomeMessage } from '../../../protocol/index.js';
import { Gateway } from '../../../gateway/server/gateway.js';
import { RawClient, useGatewayFixture } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { registerTestGateway, signedIn } from '../../helpers/accounts.js';

const f = useGatewayFixture();

async function start(dataFile: string): Promise<Gateway> {
  const g = f.adopt(await Gateway.start({ port: 0, dataFile }));
  registerTestGateway(g);
  return g;
}

async function hello(g: Gateway, resume?: { resumeFrom: number; resumeBootId?: string }): Promise<{ c: RawClient; welcome: WelcomeMessage }> {
  const c = f.closes(await RawClient.connect(g.url));
  c.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: await signedIn(g.url, 'Watcher', 'observer'), ...resume });
  return { c, welcome: await c.next<WelcomeMessage>((m) => m.type === 'welcome') };
}

describe('gateway boot id', () => {
  it('names its boot in every welcome, a new one per process on the same data file', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    const first = await start(dataFile);
    const a = (await hello(first)).welcome.bootId;
    expect((await hello(first)).welcome.bootId).toBe(a);
    await f.stop();
    const second = await start(dataFile);
    expect((await hello(second)).welcome.bootId).not.toBe(a);
  });

  it('replays after a resume point of its own boot', async () => {
    const g = await start(join(tempDir(), 'gateway.sqlite'));
    const bootId = (await hello(g)).welcome.bootId;
    g.notice('info', 'one');
    const seen = g.events.lastSeq;
    g.notice('info', 'two');
    const { c, welcome } = await hello(g, { resumeFrom: seen, resumeBootId: bootId });
    expect(welcome.lastSeq).toBe(seen);
    expect(await c.next<EventMessage>((m) => m.type === 'event')).toMatchObject({ seq: seen + 1, body: { text: 'two' } });
  });

  it('sends a fresh snapshot and replays nothing for a resume point of another boot', async () => {
    const g = await start(join(tempDir(), 'gateway.sqlite'));
    for (let i = 0; i < 20; i++) g.notice('info', `this-boot-${i}`);
    const current = g.events.lastSeq;
    // The client saw event 5 of an earlier boot: the same number here is a different event.
    const { c, welcome } = await hello(g, { resumeFrom: 5, resumeBootId: 'an-earlier-boot' });
    expect(welcome.lastSeq).toBe(current);
    const next = await c.next<EventMessage>((m) => m.type === 'event');
    expect(next.seq).toBe(current + 1);
    expect(c.messages.some((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.text.startsWith('this-boot-'))).toBe(false);
  });

  it('sends a fresh snapshot for a resume point beyond its numbering', async () => {
    const g = await start(join(tempDir(), 'gateway.sqlite'));
    g.notice('info', 'only');
    const current = g.events.lastSeq;
    const { welcome } = await hello(g, { resumeFrom: 999 });
    expect(welcome.lastSeq).toBe(current);
  });
});
