import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ErrorCode, MAX_MEDIA_OBSERVERS, type MediaRoomMessage } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { RawClient, startTestGateway } from '../helpers/gateway.js';
import { openWorkstationPage } from '../helpers/onsite-page.js';

/**
 * A trainer's workstation joining a call that already has its observers (protocol/signaling.ts
 * MAX_MEDIA_OBSERVERS): the window says it is not in the call and why, and takes a place once
 * one frees. The other observers are raw protocol clients.
 */

let gateway: Gateway;
let browser: Browser;
let trainer: Page;
const trainees: RawClient[] = [];
const cleanups: (() => Promise<void>)[] = [];
let pinging: ReturnType<typeof setInterval>;

const STATE = { audio: false, video: false, intercom: false, health: 'ok', healthReason: null };

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  for (let i = 0; i < MAX_MEDIA_OBSERVERS; i++) {
    const c = await RawClient.greeted(gateway.url, 'observer', `Trainee ${i}`);
    c.sendJson({ type: 'media.join', state: STATE });
    trainees.push(c);
  }
  // Raw clients send no heartbeat of their own.
  pinging = setInterval(() => {
    for (const c of trainees) c.sendJson({ type: 'ping', t: Date.now() });
  }, 200);
  await trainees[0]!.next((m) => m.type === 'media.room' && m.members.length === MAX_MEDIA_OBSERVERS);
  trainer = await openWorkstationPage(browser, gateway, 'observer', 'Tom Trainer', cleanups);
});

afterAll(async () => {
  clearInterval(pinging);
  for (const c of trainees) c.close();
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!chromiumAvailable())('a call that is full', () => {
  it('tells the trainer it is not in the call and why, and lets it try again once a place frees', async () => {
    const refused = trainer.getByTestId('call-refused');
    await expect.poll(() => refused.textContent(), { timeout: 20_000 }).toContain(`its ${MAX_MEDIA_OBSERVERS} observers`);
    expect(await refused.textContent()).toContain(ErrorCode.MEDIA_ROOM_FULL);
    // The event log says so too, and never that a call this window is not in works.
    const log = trainer.getByTestId('event-log');
    await expect.poll(() => log.textContent(), { timeout: 20_000 }).toContain(`Not in the call: the call already has its ${MAX_MEDIA_OBSERVERS} observers`);
    expect(await log.textContent()).not.toContain('Call with the scanner room is working');

    const from = trainees[1]!.messages.length;
    trainees[0]!.sendJson({ type: 'media.leave' });
    await trainees[1]!.next((m) => m.type === 'media.room' && m.members.length === MAX_MEDIA_OBSERVERS - 1, from);
    await trainer.getByTestId('call-join-again').click();
    const room = await trainees[1]!.next<MediaRoomMessage>((m) => m.type === 'media.room' && m.members.some((x) => x.name === 'Tom Trainer'), from);
    expect(room.members).toHaveLength(MAX_MEDIA_OBSERVERS);
    await expect.poll(() => refused.count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => log.textContent(), { timeout: 20_000 }).toContain('Call with the scanner room is working');
  });
});
