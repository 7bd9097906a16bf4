import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (playwright cannot download its own browser on these machines). */
export const CHROMIUM = process.env.LARMOR_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium's fake camera at 5 frames a second, not its 20: the tests check that video flows,
  // not its rate (bench/media measures that at 30), and four pages encoding and decoding video
  // at 20 fps took most of this machine's two cores from the processes under test.
  '--use-fake-device-for-media-stream=fps=5',
  '--use-fake-ui-for-media-stream',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives every launch a fresh, empty profile of its own.
    args: CHROMIUM_ARGS,
  });
}

/**
 * Chromium as people run it, where a page in a tab behind another is hidden and its timers are
 * throttled. `launchChromium` cannot give that: Playwright starts Chromium with background
 * throttling switched off, and its focus emulation keeps every page it drives visible. So this
 * starts Chromium itself and attaches with `noDefaults`, which leaves the default context's pages
 * as they are; open pages there (`browser.contexts()[0]`), and they share one window.
 */
export async function launchChromiumAsInUse(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'larmor-chromium-'));
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}) before its DevTools endpoint`)));
    // Read to the end, past the endpoint: a stderr pipe left full would block Chromium.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (found) resolve(found[1]!);
    });
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return {
    browser,
    close: async () => {
      // Chromium's own way out, so that its helper processes are done with the profile first.
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await (await browser.newBrowserCDPSession()).send('Browser.close').catch(() => child.kill());
        await exited;
      }
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** The renderer as built by `npm run build:renderer` (npm test builds it first). */
export const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
