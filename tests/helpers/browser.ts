import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** The renderer as built by `npm run build:renderer` (npm test builds it first). */
export const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
