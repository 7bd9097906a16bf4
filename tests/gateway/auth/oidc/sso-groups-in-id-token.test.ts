import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { signInThroughProvider, startSsoScene, type SsoScene } from '../../../helpers/sso.js';

let scene: SsoScene;
let browser: Browser;

beforeAll(async () => {
  // Like Microsoft Entra ID or a Keycloak mapper: the groups come in the ID token itself.
  scene = await startSsoScene({ alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] } }, { groupsInIdToken: true });
  if (chromiumAvailable()) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await scene?.close();
});

describe.skipIf(!chromiumAvailable())('hospital single sign-on with the groups in the ID token', () => {
  it('maps the groups of the ID token without asking userinfo', async () => {
    const userinfoCalls: string[] = [];
    scene.idp.onRequest = (path) => {
      if (path.startsWith('/me')) userinfoCalls.push(path);
    };
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'alice', 'operator');
    expect(fragment.get('larmor_session')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(scene.issued.at(-1)!.identity).toMatchObject({ displayName: 'Alice Remote', roles: ['operator'] });
    expect(userinfoCalls).toEqual([]);
    await page.context().close();
  });
});
