import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { startWorkstation } from './shell.js';
import { TEST_PASSWORD, ensureTestAccount, testUserId } from './accounts.js';
import { SETTLE_BUDGET_MS } from './gateway.js';

/** The workstation's connect form: role, a test person's account and password, then submit. */
export async function signInOnConnectForm(page: Page, gateway: Gateway, role: 'operator' | 'observer', name: string): Promise<void> {
  await ensureTestAccount(gateway, name);
  await page.getByTestId('connect-role').selectOption(role);
  await page.getByTestId('connect-user').fill(testUserId(name));
  await page.getByTestId('connect-password').fill(TEST_PASSWORD);
  await page.getByTestId('connect-submit').click();
}

/** The onsite console page served by the gateway, signed in (and checked in unless told not to). */
export async function openOnsiteConsole(
  browser: Browser,
  gateway: Gateway,
  name = 'Onsite Tech',
  options: { checkIn?: boolean; initScript?: string; timezoneId?: string } = {},
): Promise<Page> {
  const context = await browser.newContext(options.timezoneId ? { timezoneId: options.timezoneId } : {});
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  await signInOnsiteConsole(page, gateway, name, options);
  return page;
}

/** `page` goes to the gateway's onsite console and signs in there (and checks in unless told not to). */
export async function signInOnsiteConsole(page: Page, gateway: Gateway, name: string, options: { checkIn?: boolean } = {}): Promise<void> {
  page.on('pageerror', (err) => console.error('[onsite page error]', err));
  await page.goto(gateway.onsiteUrl);
  await ensureTestAccount(gateway, name);
  await page.getByTestId('onsite-user').fill(testUserId(name));
  await page.getByTestId('onsite-password').fill(TEST_PASSWORD);
  await page.getByTestId('onsite-connect').click();
  await page
    .getByTestId('onsite-link-status')
    .filter({ hasText: /Connected/ })
    .waitFor({ timeout: SETTLE_BUDGET_MS });
  if (options.checkIn !== false) {
    await page.getByTestId('onsite-check-in').click();
    await page
      .getByTestId('presence-status')
      .filter({ hasText: `${name} checked in` })
      .waitFor({ timeout: SETTLE_BUDGET_MS });
  }
}

/** A workstation page already open at its shell: connect it to `gateway` as a test person and wait for the link. */
export async function connectWorkstationPage(page: Page, gateway: Gateway, role: 'operator' | 'observer', name: string, url = gateway.url): Promise<void> {
  await page.getByTestId('connect-url').fill(url);
  await signInOnConnectForm(page, gateway, role, name);
  await page
    .getByTestId('link-status')
    .filter({ hasText: /connected/i })
    .waitFor({ timeout: SETTLE_BUDGET_MS });
}

/** A workstation (core + browser shell) with its page connected to `gateway` in `role`. */
export async function openWorkstationPage(
  browser: Browser,
  gateway: Gateway,
  role: 'operator' | 'observer',
  name: string,
  cleanups: (() => Promise<void>)[],
  url = gateway.url,
  options: { initScript?: string } = {},
): Promise<Page> {
  const ws = await startWorkstation(gateway.url);
  cleanups.push(ws.close);
  const context = await browser.newContext();
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${role} page error]`, err));
  await page.goto(ws.shell.url);
  // The shell passes the gateway it knows in ?gateway=, so the form starts filled in.
  const prefilled = await page.getByTestId('connect-url').inputValue();
  if (prefilled !== gateway.url) throw new Error(`connect form starts with ${JSON.stringify(prefilled)}, not ${gateway.url}`);
  await connectWorkstationPage(page, gateway, role, name, url);
  return page;
}

/**
 * Through the workstation's UI: register a patient, then queue one protocol from the library.
 * Its waits have no limit of their own (timeout 0): the calling test's budget bounds them, on
 * however loaded a machine.
 */
export async function openExamAndQueue(page: Page, protocolId: string): Promise<void> {
  await page.getByTestId('exam-patient-name').fill('DOE^JANE');
  await page.getByTestId('exam-patient-id').fill('PID-42');
  await page.getByTestId('exam-submit').click();
  await page
    .getByTestId('scanner-state')
    .filter({ hasText: /exam open/i })
    .waitFor({ timeout: 0 });
  await page.getByTestId('library-select').selectOption(protocolId);
  await page.getByTestId('queue-add').click();
  await page.getByTestId('queue-item').first().waitFor({ timeout: 0 });
}

/** Numbers a remote pane exposes from getStats() (data attributes), per peer role. */
export async function paneStats(
  page: Page,
  peerRole: 'operator' | 'onsite',
): Promise<{ frames: number; audioPower: number | null; videoWidth: number; health: string | null }> {
  const pane = page.locator(`[data-testid="remote-pane"][data-peer-role="${peerRole}"]`);
  if ((await pane.count()) === 0) return { frames: 0, audioPower: null, videoWidth: 0, health: null };
  const frames = Number((await pane.getAttribute('data-frames-decoded')) ?? 0);
  const power = await pane.getAttribute('data-audio-power');
  const videoWidth = await pane.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth);
  return { frames, audioPower: power ? Number(power) : null, videoWidth, health: await pane.getAttribute('data-health') };
}
