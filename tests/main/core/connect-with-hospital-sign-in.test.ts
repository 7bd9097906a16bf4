import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { chromiumAvailable, launchChromium } from '../../helpers/browser.js';
import { signInThroughProvider, startSsoScene, type SsoScene } from '../../helpers/sso.js';

let scene: SsoScene;
let browser: Browser;
const cores: WorkstationCore[] = [];

beforeAll(async () => {
  scene = await startSsoScene({ alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] } });
  if (chromiumAvailable()) browser = await launchChromium();
});

afterAll(async () => {
  for (const core of cores) core.disconnect();
  await browser?.close();
  await scene?.close();
});

describe.skipIf(!chromiumAvailable())('workstation core with a hospital sign-in', () => {
  it('connects with the session credential from hospital sign-in and is welcomed under the hospital name', async () => {
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'alice', 'operator');
    await page.context().close();
    const core = new WorkstationCore();
    cores.push(core);
    const welcome = await core.connect({ url: scene.gateway.url, role: 'operator', name: 'Hospital account', session: fragment.get('larmor_session')! });
    expect(welcome.session).toMatchObject({ role: 'operator', name: 'Alice Remote', userId: `${scene.idp.issuer}#alice` });
  });
});
