import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { Gateway } from '../../gateway/server/gateway.js';
import type { SiteEntry } from '../../protocol/index.js';
import { startBrowserShell, type BrowserShell } from '../../main/browser-shell/browser-shell.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { chromiumAvailable, launchChromium, RENDERER_DIR } from '../helpers/browser.js';
import { SETTLE_BUDGET_MS, startTestGateway } from '../helpers/gateway.js';
import { TEST_PASSWORD, ensureTestAccount, testUserId } from '../helpers/accounts.js';
import { OnsiteClient, onsiteGrants } from '../helpers/onsite.js';
import { openExamAndQueue, signInOnConnectForm } from '../helpers/onsite-page.js';

const OPERATOR = 'Rita Remote';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

let gateways: Gateway[] = [];
let sites: SiteEntry[] = [];
let core: WorkstationCore;
let shell: BrowserShell;
let browser: Browser;
let page: Page;
let onsiteA: OnsiteClient;
let onsiteC: OnsiteClient;

beforeAll(async () => {
  // Scanner A runs four times faster than real time, so its tile shows an acquisition and its images soon.
  gateways = await Promise.all([startTestGateway({ timeScale: 4 }), startTestGateway(), startTestGateway()]);
  sites = gateways.map((gateway, i) => ({ id: `scanner-${'abc'[i]}`, name: `Scanner ${'ABC'[i]}`, url: gateway.url }));
  for (const gateway of gateways) await ensureTestAccount(gateway, OPERATOR);
  // The workstation as `npm start` runs it, with the three scanners as the shell's site list (?sites=).
  core = new WorkstationCore();
  attachImageIntake(core);
  shell = await startBrowserShell({ core, rendererDir: RENDERER_DIR, defaultSites: sites });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('pageerror', (err) => console.error('[desk page error]', err));
  await page.goto(shell.url);
  await page.getByTestId('site-row').nth(2).waitFor();
  await signInOnConnectForm(page, gateways[0]!, 'operator', OPERATOR);
  onsiteA = await onsiteGrants(gateways[0]!, OPERATOR, 'Olivia Onsite');
  onsiteC = await OnsiteClient.connect(gateways[2]!, 'Carl Onsite');
});

afterAll(async () => {
  onsiteA?.close();
  onsiteC?.close();
  await browser?.close();
  core?.disconnect();
  await shell?.close();
  for (const gateway of gateways) await gateway.close();
});

const tile = (siteId: string) => page.locator(`[data-testid="desk-tile"][data-site-id="${siteId}"]`);
const emergencyOnC = () => page.locator('[data-testid="desk-alarm"][data-kind="emergency-stop"][data-site-id="scanner-c"]');
const focusedOf = (siteId: string) => tile(siteId).getByTestId('desk-tile-button').getAttribute('data-focused');

/**
 * Panels wider inside than out, or the page scrolling sideways (as in layout-and-access.test.ts);
 * a column of the console that does not scroll taller inside than out, its lowest panel under the
 * footer.
 */
function overflow(p: Page) {
  return p.evaluate(() => {
    const found: string[] = [];
    const width = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll(
      '.session-header, .panel, .column, .session-body, .session-footer, .desk-strip, .desk-tile-button, .desk-alarm-bar, .alarm-row',
    )) {
      const html = el as HTMLElement;
      if (html.scrollWidth > html.clientWidth + 1) found.push(`${el.className} scrollWidth ${html.scrollWidth} > clientWidth ${html.clientWidth}`);
      const r = html.getBoundingClientRect();
      if (r.right > width + 1) found.push(`${el.className} reaches ${Math.round(r.right)} > ${width}`);
    }
    for (const el of document.querySelectorAll('.session-body, .column')) {
      const html = el as HTMLElement;
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(html).overflowY);
      if (!scrolls && html.scrollHeight > html.clientHeight + 1)
        found.push(`${el.className} scrollHeight ${html.scrollHeight} > clientHeight ${html.clientHeight}`);
    }
    if (document.documentElement.scrollWidth > width + 1) found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    if (document.documentElement.scrollHeight > document.documentElement.clientHeight + 1) found.push('page scrolls down');
    return found;
  });
}

/** Alarm rows of the bar not wholly between its head and its bottom edge (or whether the last one is). */
function alarmsOutOfSight(which: 'all' | 'last' = 'all'): Promise<number> {
  return page.getByTestId('desk-alarm-bar').evaluate((bar, which) => {
    // The head, with what stays in view beside it (the first in the document: the outer one).
    const top = bar.querySelector('.alarm-bar-top, .alarm-bar-head')!.getBoundingClientRect().bottom;
    const bottom = bar.getBoundingClientRect().top + bar.clientTop + bar.clientHeight;
    const rows = [...bar.querySelectorAll('.alarm-row')].map((row) => row.getBoundingClientRect());
    return (which === 'last' ? rows.slice(-1) : rows).filter((r) => r.top < top - 1 || r.bottom > bottom + 1).length;
  }, which);
}

describe.skipIf(!chromiumAvailable())('the desk with three real gateways', () => {
  it('signs in to all three with one account and shows a tile for each, the first on the console', async () => {
    await expect.poll(() => page.getByTestId('desk-tile').count()).toBe(3);
    for (const site of sites)
      await tile(site.id)
        .getByTestId('tile-link')
        .filter({ hasText: /healthy/i })
        .waitFor({ timeout: SETTLE_BUDGET_MS })
        .catch(async (err: unknown) => {
          // What the tile says instead is the diagnosis (refused, unreachable, still connecting).
          throw new Error(`${site.name}'s tile shows no healthy link: "${await tile(site.id).textContent()}"`, { cause: err });
        });
    expect(await page.getByTestId('desk-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-site-id')))).toEqual(sites.map((s) => s.id));
    expect(await focusedOf('scanner-a')).toBe('true');
    // Each tile is a button whose name says the scanner, its link and its shortcut.
    const name = await tile('scanner-c').getByTestId('desk-tile-button').getAttribute('aria-label');
    expect(name).toMatch(/^Scanner 3: Scanner C/);
    expect(name).toContain('Ctrl+3');
  });

  it('shows who is checked in onsite with their level, and that you hold control', async () => {
    await expect.poll(() => tile('scanner-a').getByTestId('tile-onsite').textContent()).toMatch(/Olivia Onsite, MR safety technologist/);
    await expect.poll(() => tile('scanner-a').getByTestId('tile-control').textContent()).toMatch(/You/);
    expect(await tile('scanner-b').getByTestId('tile-onsite').textContent()).toMatch(/Nobody checked in/);
  });

  it('focuses the third scanner with Ctrl+3, and the first again by clicking its tile', async () => {
    await page.keyboard.press('Control+3');
    await expect.poll(() => focusedOf('scanner-c')).toBe('true');
    await expect.poll(() => page.getByTestId('header-site').textContent()).toMatch(/^Scanner C/);
    expect(await focusedOf('scanner-a')).toBe('false');
    await expect.poll(() => core.view().link.url).toBe(gateways[0]!.url); // the pinned core stays A's; the desk's focus moved
    await tile('scanner-a').getByTestId('desk-tile-button').click();
    await expect.poll(() => focusedOf('scanner-a')).toBe('true');
    await page.getByTestId('scanner-state').waitFor();
  });

  it('shows a scanner with no exam open whole on a laptop window: the open-exam form, and the queue saying it waits for an exam', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.keyboard.press('Control+3');
    await expect.poll(() => focusedOf('scanner-c')).toBe('true');
    await expect.poll(() => page.locator('.queue-panel').textContent()).toMatch(/No exam open/);
    // Wholly inside the left column as it opens, under the three tiles: nothing there to scroll to.
    const outside = await page.evaluate(() => {
      const column = document.querySelector('.left-scroll')!.getBoundingClientRect();
      return ['[data-testid="exam-submit"]', '.queue-panel']
        .map((selector) => ({ selector, r: document.querySelector(selector)!.getBoundingClientRect() }))
        .filter(({ r }) => r.top < column.top - 1 || r.bottom > column.bottom + 1)
        .map(({ selector, r }) => `${selector} at ${Math.round(r.top)}-${Math.round(r.bottom)}, column ${Math.round(column.top)}-${Math.round(column.bottom)}`);
    });
    expect(outside).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    await tile('scanner-a').getByTestId('desk-tile-button').click();
    await expect.poll(() => focusedOf('scanner-a')).toBe('true');
  });

  it("shows A's acquisition on its tile: the sequence, its time left and the newest image", async () => {
    await openExamAndQueue(page, 't2-tse-ax');
    expect((await onsiteA.confirmChecklist()).outcome).toBe('done');
    await page.getByTestId('btn-start').click();
    await expect.poll(() => tile('scanner-a').getByTestId('tile-state').textContent()).toMatch(/Acquiring/);
    await expect.poll(() => tile('scanner-a').getByTestId('tile-sequence').textContent()).toMatch(/^T2 TSE axial · \d+:\d\d left$/);
    const thumbnail = tile('scanner-a').getByTestId('tile-thumbnail');
    await thumbnail.waitFor({ timeout: SETTLE_BUDGET_MS });
    // Drawn at the size the core made it, shown in its own aspect.
    const drawn = await thumbnail.evaluate((canvas: HTMLCanvasElement) => ({
      width: canvas.width,
      height: canvas.height,
      cssRatio: canvas.clientWidth / canvas.clientHeight,
    }));
    expect(drawn.width).toBeGreaterThan(0);
    expect(drawn.cssRatio).toBeCloseTo(drawn.width / drawn.height, 1);
    expect(await tile('scanner-b').getByTestId('tile-thumbnail').count()).toBe(0);
  });

  it('raises the alarm bar for an emergency stop on scanner C while A is focused, naming C', async () => {
    const ack = await onsiteC.act({ name: 'emergency.stop', reason: 'patient pressed the call button' });
    expect(ack.outcome).toBe('done');
    const alarm = emergencyOnC();
    await alarm.waitFor({ timeout: SETTLE_BUDGET_MS });
    expect(await alarm.textContent()).toMatch(/Scanner 3 · Scanner C/);
    // The gateway's detail, after the bar's own "Emergency stop": not its text's "EMERGENCY STOP" again.
    expect(await alarm.getByTestId('desk-alarm-text').textContent()).toMatch(/^by Carl Onsite: nothing was running; remote control revoked/);
    expect(await focusedOf('scanner-a')).toBe('true');
    await expect.poll(() => page.getByTestId('desk-alarm-bar').getAttribute('data-alarm')).toMatch(/^(running|suspended)$/);
    expect(await tile('scanner-c').getByTestId('tile-alarm').textContent()).toMatch(/EMERGENCY STOP|Emergency stop/i);
    // In the layout, full width, above the console: it never covers Start/Pause/Stop.
    const bar = await page.getByTestId('desk-alarm-bar').boundingBox();
    const controls = await page.locator('.scan-controls').boundingBox();
    expect(bar!.width).toBeGreaterThan((await page.evaluate(() => document.documentElement.clientWidth)) * 0.95);
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(controls!.y);
  });

  it.each(SIZES)('has no overflow at $width x $height with the alarm showing', async (size) => {
    await page.setViewportSize(size);
    await page.waitForTimeout(200); // a frame or two for the layout to settle after the resize
    if (process.env.LARMOR_SHOT_DIR) await page.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/desk-${size.width}x${size.height}.png` });
    expect(await overflow(page)).toEqual([]);
  });

  it('raises a second alarm, a call for help on A', async () => {
    expect((await onsiteA.act({ name: 'help.call', reason: 'patient anxious' })).outcome).toBe('done');
    await page.locator('[data-testid="desk-alarm"][data-kind="help-call"]').waitFor({ timeout: SETTLE_BUDGET_MS });
  });

  it.each(SIZES)('has no overflow at $width x $height with two alarms showing', async (size) => {
    await page.setViewportSize(size);
    await page.waitForTimeout(200); // a frame or two for the layout to settle after the resize
    if (process.env.LARMOR_SHOT_DIR) await page.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/desk-2-${size.width}x${size.height}.png` });
    expect(await overflow(page)).toEqual([]);
  });

  it.each(SIZES)("at $width x $height, counts in the alarm bar's head each alarm not wholly in sight, and brings it into view", async (size) => {
    await page.setViewportSize(size);
    const bar = page.getByTestId('desk-alarm-bar');
    await bar.evaluate((el) => el.scrollTo({ top: 0, behavior: 'instant' }));
    await page.waitForTimeout(200);
    const cut = await alarmsOutOfSight();
    const more = page.getByTestId('desk-alarm-more');
    if (cut === 0) return expect(await more.count()).toBe(0);
    await expect.poll(() => more.textContent()).toBe(`${cut} more below ↓`);
    // One click for each alarm below, at most.
    for (let i = 0; i < cut && /below/.test((await more.textContent({ timeout: 1000 }).catch(() => '')) ?? ''); i++) {
      await more.click();
      await page.waitForTimeout(100);
    }
    if (process.env.LARMOR_SHOT_DIR) await page.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/desk-2-more-${size.width}x${size.height}.png` });
    expect(await alarmsOutOfSight('last')).toBe(0);
    // What went out of sight at the top is counted in turn, by the head, still in view.
    const above = await alarmsOutOfSight();
    if (above > 0) expect(await more.textContent()).toBe(`${above} more above ↑`);
    else expect(await more.count()).toBe(0);
    expect((await bar.locator('.alarm-bar-head').boundingBox())!.y).toBeGreaterThanOrEqual((await bar.boundingBox())!.y);
  });

  it('finds no serious or critical accessibility violation on the desk', async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
    expect(serious).toEqual([]);
  });

  it('shows the alarming scanner on the console with its Show button', async () => {
    await emergencyOnC().getByTestId('desk-alarm-show').click();
    await expect.poll(() => focusedOf('scanner-c')).toBe('true');
    await page.keyboard.press('Control+1');
    await expect.poll(() => focusedOf('scanner-a')).toBe('true');
  });

  it('clears the alarm when it is acknowledged, and the gateway records who saw it', async () => {
    await emergencyOnC().getByTestId('desk-alarm-acknowledge').click();
    await expect.poll(() => emergencyOnC().count()).toBe(0);
    await expect
      .poll(() =>
        tile('scanner-c')
          .getByTestId('tile-alarm')
          .filter({ hasText: /emergency stop/i })
          .count(),
      )
      .toBe(0);
    expect(gateways[2]!.store.auditTrail().some((r) => r.action === 'collab alarm.acknowledge' && r.actor === OPERATOR && r.decision === 'done')).toBe(true);
    expect(gateways[0]!.store.auditTrail().some((r) => r.action === 'collab alarm.acknowledge')).toBe(false);
    // A busy machine may also have lost a heartbeat somewhere: acknowledging the rest ends the bar and its tone.
    for (let left = await page.getByTestId('desk-alarm-acknowledge').count(); left > 0; left = await page.getByTestId('desk-alarm-acknowledge').count()) {
      await page.getByTestId('desk-alarm-acknowledge').first().click();
      await expect.poll(() => page.getByTestId('desk-alarm-acknowledge').count()).toBeLessThan(left);
    }
    await expect.poll(() => page.getByTestId('desk-alarm-bar').count()).toBe(0);
  });
});

describe.skipIf(!chromiumAvailable())('a desk where one site refuses sign-in and one is down', () => {
  let second: { shell: BrowserShell; core: WorkstationCore } | null = null;
  afterAll(async () => {
    second?.core.disconnect();
    await second?.shell.close();
  });

  it('signs in where it can and says on each other tile, in words, why not', async () => {
    const person = 'Solo Tech'; // an account at scanner A only
    await ensureTestAccount(gateways[0]!, person);
    const list: SiteEntry[] = [sites[0]!, sites[1]!];
    const workstation = new WorkstationCore();
    attachImageIntake(workstation);
    const secondShell = await startBrowserShell({ core: workstation, rendererDir: RENDERER_DIR, defaultSites: list });
    second = { shell: secondShell, core: workstation };
    const other = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await other.goto(secondShell.url);
    await other.getByTestId('site-row').nth(1).waitFor();
    // The site list editor: a third scanner whose gateway is not there (nothing listens on port 9).
    await other.getByTestId('site-add-name').fill('Scanner D');
    await other.getByTestId('site-add-url').fill('ws://127.0.0.1:9/');
    await other.getByTestId('site-add').click();
    await expect.poll(() => other.getByTestId('site-row').count()).toBe(3);
    expect(await other.getByTestId('connect-submit').textContent()).toBe('Sign in to 3 scanners');
    await other.getByTestId('connect-user').fill(testUserId(person));
    await other.getByTestId('connect-password').fill(TEST_PASSWORD);
    await other.getByTestId('connect-submit').click();

    const tileOf = (siteId: string) => other.locator(`[data-testid="desk-tile"][data-site-id="${siteId}"]`);
    await expect.poll(() => other.getByTestId('desk-tile').count()).toBe(3);
    await tileOf('scanner-a')
      .getByTestId('tile-link')
      .filter({ hasText: /healthy/i })
      .waitFor({ timeout: SETTLE_BUDGET_MS });
    await expect.poll(() => tileOf('scanner-b').getByTestId('tile-link').textContent()).toMatch(/Sign-in refused/);
    await expect.poll(() => tileOf('scanner-d').getByTestId('tile-problem').count()).toBe(1);
    expect(await tileOf('scanner-d').getByTestId('tile-link').textContent()).toMatch(/Site not reachable/);
    expect(await tileOf('scanner-d').getByTestId('tile-problem').textContent()).toMatch(/ECONNREFUSED/);
    expect(await tileOf('scanner-b').getByTestId('tile-problem').textContent()).toMatch(/password/);
    if (process.env.LARMOR_SHOT_DIR) await other.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/desk-refused-1366x768.png` });
    // The list as edited is kept for the next sign-in on this computer.
    const stored = await other.evaluate(() => window.localStorage.getItem('larmor.desk.sites'));
    expect(JSON.parse(stored!).map((s: SiteEntry) => s.name)).toEqual(['Scanner A', 'Scanner B', 'Scanner D']);
  });
});
