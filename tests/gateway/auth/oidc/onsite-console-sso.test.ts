import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { startSsoScene, type SsoScene } from '../../../helpers/sso.js';

let scene: SsoScene;
let browser: Browser;

beforeAll(async () => {
  scene = await startSsoScene({
    olga: { name: 'Olga Onsite', groups: ['mr-onsite-level2'] },
    bob: { name: 'Bob Clerk', groups: ['hospital-staff'] },
  });
  if (chromiumAvailable()) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await scene?.close();
});

/** From the onsite console's sign-in step, through the hospital's sign-in page, back to the console. */
async function hospitalSignIn(login: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => console.error('[onsite page error]', err));
  await page.goto(scene.gateway.onsiteUrl);
  await page.getByTestId('hospital-sign-in').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname === '/onsite');
  return page;
}

describe.skipIf(!chromiumAvailable())('onsite console: Sign in with hospital account', () => {
  it('opens the console as the signed-in person and clears the credential from the address bar', async () => {
    const page = await hospitalSignIn('olga');
    await page
      .getByTestId('onsite-link-status')
      .filter({ hasText: /Connected/ })
      .waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await expect.poll(() => scene.gateway.snapshot().participants.map((p) => `${p.role}:${p.name}`)).toContain('onsite:Olga Onsite');
    // Checked in with the MR level of her hospital group, not one chosen on the page.
    await page.getByTestId('onsite-check-in').click();
    await expect.poll(() => page.getByTestId('presence-status').textContent()).toMatch(/Olga Onsite checked in · Level 2 MR personnel/);
    expect(scene.gateway.snapshot().onsite?.presence).toMatchObject({ name: 'Olga Onsite', credential: 'level-2-mr-personnel' });
    await page.context().close();
  });

  it('shows why a person in no mapped group is refused, and stays at the sign-in step', async () => {
    const page = await hospitalSignIn('bob');
    await expect.poll(() => page.getByTestId('hospital-sign-in-error').textContent()).toMatch(/Bob Clerk .* none of their groups/);
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByTestId('onsite-user').count()).toBe(1);
    await page.context().close();
  });
});
