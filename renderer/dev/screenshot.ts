/**
 * Visual check of the built renderer (not a CI test). Serves dist/renderer on loopback, injects
 * the fake window.larmor from ./fake-larmor.ts, and writes screenshots:
 *   /tmp/larmor-ui.png           operator session, exam open, one sequence acquiring at 40%
 *   /tmp/larmor-ui-observer.png  the same session seen by an observer
 *   /tmp/larmor-ui-connect.png   the connect screen
 *   /tmp/larmor-ui-lost.png      the session with the link lost
 *   /tmp/larmor-ui-commands.png  after Pause (done), a refused remove and an invalid parameter
 *   /tmp/larmor-ui-chat-hidden.png  the chat folded away and a mark tool picked
 *   /tmp/larmor-ui-desk.png      a desk of three scanners (A acquiring on the console, B link lost, C emergency stop)
 *   /tmp/larmor-ui-desk-c.png    the same desk after Ctrl+3 put scanner C on the console, its plans open
 *   /tmp/larmor-ui-desk-ten.png  ten scanners: the strip scrolls sideways; Ctrl+9 brings the ninth into view
 *   /tmp/larmor-ui-desk-connect.png  the connect screen with the desk's site list from the shell (?sites=)
 * Run after a build:  npx vite build --config renderer/vite.config.ts && npx tsx renderer/dev/screenshot.ts
 * LARMOR_SHOT_SIZE=1280x800 changes the window size. Any console error or CSP violation in the page fails the run.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ErrorCode } from '../../protocol/errors.js';
import { offlineHealth } from '../../protocol/health.js';
import { installFakeLarmor, type FakeScenario } from './fake-larmor.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../dist/renderer');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      done({ server, origin: `http://127.0.0.1:${address.port}` });
    }),
  );
}

async function main(): Promise<void> {
  const { server, origin } = await serve();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const problems: string[] = [];
  try {
    const shots: [string, FakeScenario, string][] = [
      ['/tmp/larmor-ui.png', { role: 'operator', disconnected: false }, '[data-testid="queue-item"]'],
      ['/tmp/larmor-ui-observer.png', { role: 'observer', disconnected: false }, '[data-testid="observing-badge"]'],
      ['/tmp/larmor-ui-chat-hidden.png', { role: 'operator', disconnected: false }, '[data-testid="chat-hide"]'],
      ['/tmp/larmor-ui-connect.png', { role: 'operator', disconnected: true }, '[data-testid="connect-submit"]'],
      ['/tmp/larmor-ui-lost.png', { role: 'operator', disconnected: false, lost: true }, '[data-region="failover-banner"][role="alert"]'],
      ['/tmp/larmor-ui-commands.png', { role: 'operator', disconnected: false }, '[data-testid="btn-pause"]'],
      ['/tmp/larmor-ui-desk.png', { role: 'operator', disconnected: false, desk: true }, '[data-testid="desk-alarm-bar"]'],
      ['/tmp/larmor-ui-desk-c.png', { role: 'operator', disconnected: false, desk: true }, '[data-testid="desk-tile"]'],
      ['/tmp/larmor-ui-desk-ten.png', { role: 'operator', disconnected: false, desk: true, deskScanners: 10 }, '[data-testid="desk-tile"]'],
      ['/tmp/larmor-ui-desk-connect.png', { role: 'operator', disconnected: true, desk: true }, '[data-testid="site-row"]'],
    ];
    for (const [file, scenario, ready] of shots) {
      const [width, height] = (process.env.LARMOR_SHOT_SIZE ?? '1600x900').split('x').map(Number);
      const page = await browser.newPage({ viewport: { width, height } });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${file}: console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${file}: page error: ${error.message}`));
      // tsx (esbuild keepNames) wraps functions in __name(); the serialized fake needs it in the page.
      await page.addInitScript('globalThis.__name = (target) => target;');
      // The fake is serialized: what it imports must exist in the page under the same names.
      await page.addInitScript(`globalThis.offlineHealth = () => (${JSON.stringify(offlineHealth())}); globalThis.ErrorCode = ${JSON.stringify(ErrorCode)};`);
      await page.addInitScript(installFakeLarmor, scenario);
      await page.goto(`${origin}/index.html`);
      if (scenario.desk && scenario.disconnected) {
        // The shell passes the desk's site list in ?sites= (as `npm start` does).
        const sites = [
          { id: 'st-olav-mr-2', name: 'St. Olav MR-2', url: 'wss://mr2-gateway.stolav.example:8443/larmor' },
          { id: 'levanger-mr-1', name: 'Levanger MR-1', url: 'wss://mr1-gateway.levanger.example:8443/larmor' },
          { id: 'namsos-mr-1', name: 'Namsos MR-1', url: 'wss://mr-gateway.namsos.example:8443/larmor' },
        ];
        await page.goto(`${origin}/index.html?user=ihaugen&sites=${encodeURIComponent(JSON.stringify(sites))}`);
      }
      await page.waitForSelector(ready, { timeout: 10_000 }).catch((error: unknown) => {
        throw new Error(`${file}: ${String(error)}\n${problems.join('\n')}`);
      });
      if (file.endsWith('commands.png')) {
        await exerciseCommands(page);
      } else if (file.endsWith('chat-hidden.png')) {
        // The chat folded away, the arrow tool picked: the footer and the viewport as they then look.
        await page.click('[data-testid="chat-hide"]');
        await page.click('[data-testid="mark-tool-arrow"]');
      } else if (file.endsWith('desk-ten.png')) {
        await page.keyboard.press('Control+9');
        await page.waitForSelector('[data-site-id="mr-9"] [data-focused="true"]');
      } else if (file.endsWith('desk-c.png')) {
        await page.keyboard.press('Control+3');
        await page.waitForSelector('[data-site-id="namsos-mr-1"] [data-focused="true"]');
        await page.waitForSelector('[data-testid="scanner-state"]');
        await page.click('[data-site-id="namsos-mr-1"] [data-testid="tile-plans"]');
        await page.waitForSelector('[data-testid="desk-plans"]');
      } else if (scenario.role === 'operator' && !scenario.disconnected && !scenario.lost) {
        // Select the running sequence so the parameter card is filled, then leave focus on Start.
        await page.click('[data-sequence-id="seq-3"] .queue-select');
        await page.focus('[data-testid="btn-pause"]');
      }
      await page.screenshot({ path: file });
      console.log(`wrote ${file}`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>;

/** Drive a few controls and check each shows its outcome where it was given. */
async function exerciseCommands(page: Page): Promise<void> {
  const expectText = async (selector: string, text: RegExp) => {
    const locator = page.locator(selector);
    await locator.waitFor();
    const content = await locator.innerText();
    if (!text.test(content)) throw new Error(`${selector} shows "${content}", expected ${text}`);
  };
  const startTitle = await page.getAttribute('[data-testid="btn-start"]', 'title');
  if (!(await page.isDisabled('[data-testid="btn-start"]')) || startTitle !== 'An acquisition is already running') {
    throw new Error(`Start should be disabled with a reason while acquiring, title was ${startTitle}`);
  }
  await page.click('[data-testid="btn-pause"]');
  await expectText('[data-testid="command-outcome"][data-origin="scan"][data-state="done"]', /Pause:\s*Done/);
  await expectText('[data-testid="scanner-state"]', /Paused/);
  await page.click('[data-sequence-id="seq-4"] [aria-label^="Remove"]');
  await expectText('[data-testid="command-outcome"][data-origin="queue:seq-4"][data-state="rejected"]', new RegExp(ErrorCode.INVALID_STATE));
  await page.click('[data-sequence-id="seq-3"] .queue-select');
  await page.fill('[data-testid="param-averages"]', '9');
  await page.fill('[data-testid="param-slices"]', '24');
  if (!(await page.isDisabled('[data-testid="param-apply"]'))) throw new Error('Apply must be disabled while a field is invalid');
  await page.focus('[data-testid="param-slices"]');
}

await main();
