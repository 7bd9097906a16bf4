import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';
import {
  PEER_CONNECTION_RECORDER,
  killPeerConnections,
  resetCallLostNote,
  restartIceEverywhere,
  sawCallLostBanner,
  signalingStates,
} from '../helpers/peer-connections.js';
import { presentedFrames } from '../helpers/video-frames.js';

let gateway: Gateway;
let browser: Browser;
let operator: Page;
let onsite: Page;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  onsite = await openOnsiteConsole(browser, gateway, 'Olivia Onsite', { initScript: PEER_CONNECTION_RECORDER });
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote', cleanups, gateway.url, { initScript: PEER_CONNECTION_RECORDER });
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

/** New frames keep being presented on both sides (requestVideoFrameCallback), `more` beyond now. */
async function videoFlowsBothWays(more = 20): Promise<void> {
  const atOnsite = await presentedFrames(onsite, 'operator');
  const atOperator = await presentedFrames(operator, 'onsite');
  await expect.poll(() => presentedFrames(onsite, 'operator'), { timeout: SETTLE_BUDGET_MS }).toBeGreaterThan(atOnsite + more);
  await expect.poll(() => presentedFrames(operator, 'onsite'), { timeout: SETTLE_BUDGET_MS }).toBeGreaterThan(atOperator + more);
}

const hearing = (page: Page) => page.getByTestId('who-hears-whom').textContent();

describe.skipIf(!chromiumAvailable())('a call that tells the truth and heals', () => {
  it('starts with video both ways and each side measured hearing the other', async () => {
    await videoFlowsBothWays();
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/Olivia Onsite hears you/);
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/You hear Olivia Onsite/);
  });

  it('turns "hears you" off when one side mutes, and back on when it unmutes', async () => {
    await operator.getByTestId('media-mute').click();
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/Olivia Onsite does not hear you/);
    await expect.poll(() => hearing(onsite), { timeout: 20_000 }).toMatch(/You do not hear Rita Remote/);
    await operator.getByTestId('media-mute').click();
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/Olivia Onsite hears you/);
  });

  it('survives offers crossing (glare): both ends restart ICE at the same moment', async () => {
    const started = Date.now();
    const [a, b] = await Promise.all([restartIceEverywhere(operator), restartIceEverywhere(onsite)]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    await expect
      .poll(async () => [...(await signalingStates(operator)), ...(await signalingStates(onsite))].every((s) => s === 'stable'), { timeout: 20_000 })
      .toBe(true);
    await videoFlowsBothWays();
    console.log(`[measure] glare settled and video flowing both ways after ${Date.now() - started} ms`);
  });

  it('rebuilds a call whose connections died at both ends, with a lost-call banner on both pages meanwhile', async () => {
    await resetCallLostNote(operator);
    await resetCallLostNote(onsite);
    const started = Date.now();
    await Promise.all([killPeerConnections(operator), killPeerConnections(onsite)]);
    await expect.poll(() => sawCallLostBanner(onsite), { timeout: 20_000, interval: 50 }).toBe(true);
    await expect.poll(() => sawCallLostBanner(operator), { timeout: 20_000, interval: 50 }).toBe(true);
    await videoFlowsBothWays();
    console.log(`[measure] call rebuilt and video flowing both ways ${Date.now() - started} ms after both connections died`);
    await expect.poll(() => operator.getByTestId('call-lost-banner').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => onsite.getByTestId('call-lost-banner').count(), { timeout: 20_000 }).toBe(0);
  });

  it('rebuilds when only the scanner-room side’s connection dies (the side that does not start the call)', async () => {
    const started = Date.now();
    expect(await killPeerConnections(onsite)).toBeGreaterThan(0);
    await videoFlowsBothWays();
    console.log(`[measure] call rebuilt ${Date.now() - started} ms after the onsite connection died`);
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/Olivia Onsite hears you/);
  });

  it('gets the call back in a workstation window opened again on the link the shell kept, when the scanner room joined while no window was open', async () => {
    // The shell keeps the gateway link (and the session's place in the media room) when its
    // window goes. The scanner room joining now offers to a session with no window to answer;
    // the new window then joins again, after it, and makes the offer: the old one must give way.
    const shellUrl = operator.url();
    const logBefore = await operator.getByTestId('log-words').allTextContents();
    expect(logBefore.length).toBeGreaterThan(0);
    await operator.context().close();
    await onsite.context().close();
    onsite = await openOnsiteConsole(browser, gateway, 'Olivia Onsite', { initScript: PEER_CONNECTION_RECORDER });
    const context = await browser.newContext();
    await context.addInitScript(PEER_CONNECTION_RECORDER);
    operator = await context.newPage();
    await operator.goto(shellUrl);
    // The new window's event log starts with what happened before it opened, in order.
    await expect.poll(async () => (await operator.getByTestId('log-words').allTextContents()).slice(0, logBefore.length)).toEqual(logBefore);
    await videoFlowsBothWays();
    await expect.poll(() => hearing(operator), { timeout: 20_000 }).toMatch(/Olivia Onsite hears you/);
  });
});
