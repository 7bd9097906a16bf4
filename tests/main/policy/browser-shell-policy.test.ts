import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode } from '../../../protocol/index.js';
import { startBrowserShell, type BrowserShell } from '../../../main/browser-shell/browser-shell.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { LoadedPolicy } from '../../../main/policy/machine-policy.js';
import { RENDERER_DIR, chromiumAvailable, launchChromium } from '../../helpers/browser.js';

/** The browser shell honours the machine policy as the Electron shell does: real shell, real Chromium. */
const policy: LoadedPolicy = {
  policy: { allowedGatewayUrls: ['wss://mr1.hospital.example:8443/larmor', 'wss://mr2.hospital.example:8443/larmor'], allowedRoles: ['observer'] },
  source: '/etc/larmor/policy.json',
  trustedCaPem: null,
};

describe.skipIf(!chromiumAvailable())('machine policy in the browser shell', () => {
  let core: WorkstationCore;
  let shell: BrowserShell;
  let browser: Browser;
  beforeAll(async () => {
    core = new WorkstationCore();
    // A remembered or default gateway that the policy does not allow: it must not be offered.
    shell = await startBrowserShell({ core, rendererDir: RENDERER_DIR, defaultGatewayUrl: 'ws://127.0.0.1:1/larmor', policy });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    core.disconnect();
    await shell?.close();
  });

  it('offers only the allowed gateways and roles on the connect screen', async () => {
    const page = await browser.newPage();
    await page.goto(shell.url);
    const url = page.getByTestId('connect-url');
    await expect.poll(() => url.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await url.locator('option').allTextContents()).toEqual(policy.policy.allowedGatewayUrls);
    expect(await url.inputValue()).toBe('wss://mr1.hospital.example:8443/larmor');
    expect(
      await page
        .getByTestId('connect-role')
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['observer']);
    await page.close();
  });

  it('refuses a connect request the page makes to another gateway, with a code', async () => {
    const page = await browser.newPage();
    await page.goto(shell.url);
    const refusal = await page.evaluate(() =>
      window.larmor!.link.connect({ url: 'ws://127.0.0.1:1/larmor', role: 'observer', name: 'A' }).then(
        () => 'connected',
        (err: { code?: string }) => err.code,
      ),
    );
    expect(refusal).toBe(ErrorCode.POLICY_REFUSED);
    expect(await page.evaluate(() => window.larmor!.policy!.current())).toMatchObject({ allowedRoles: ['observer'], source: '/etc/larmor/policy.json' });
    await page.close();
  });
});
