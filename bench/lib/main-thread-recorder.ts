import type { Page } from 'playwright-core';

/**
 * What a page's main thread was kept from doing, for benches that push images to a page: its
 * long tasks (PerformanceObserver "longtask": 50 ms or more) and how late a 20 ms timer ran,
 * like the timers of a heartbeat or of a button's response. Added to the page before its own
 * scripts (`addInitScript`), kept on window.
 */
export const MAIN_THREAD_RECORDER = `
  window.__bench = { longest: 0, late: 0, since: performance.now(), last: performance.now() };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= window.__bench.since) window.__bench.longest = Math.max(window.__bench.longest, e.duration);
  }).observe({ type: 'longtask' });
  setInterval(() => {
    const now = performance.now();
    window.__bench.late = Math.max(window.__bench.late, now - window.__bench.last - 20);
    window.__bench.last = now;
  }, 20);
`;

/** Counts from now: the longest task and the timer's lateness so far are forgotten. */
export const resetMainThread = (page: Page) =>
  page.evaluate(() => Object.assign((window as never as { __bench: object }).__bench, { longest: 0, late: 0, since: performance.now() }));

/** The longest task and the timer's largest lateness since the last reset, ms. */
export const readMainThread = (page: Page) => page.evaluate(() => (window as never as { __bench: { longest: number; late: number } }).__bench);
