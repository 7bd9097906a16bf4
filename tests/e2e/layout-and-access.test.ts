import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { printLinkAuditIfLost, RawClient, startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let operator: Page;
let observer: Page;
let onsite: Page;
const cleanups: (() => Promise<void>)[] = [];

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

beforeAll(async () => {
  // Three pages on a shared, loaded machine: a page stalled for some seconds must not count as
  // gone (two CI runs lost the onsite console's check-in while the other two pages opened).
  gateway = await startTestGateway({ heartbeatIntervalMs: 2500 });
  browser = await launchChromium();
  onsite = await openOnsiteConsole(browser, gateway, 'Olivia Onsite-Longname');
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote-Technologist', cleanups);
  observer = await openWorkstationPage(browser, gateway, 'observer', 'Tom Trainer from the Teaching Hospital', cleanups);
  await onsite.locator('[data-testid="control-grant"][data-operator="Rita Remote-Technologist"]').click();
  await operator.getByTestId('exam-patient-name').fill('MUSTERMANN-LONGFAMILYNAME^MAXIMILIANA ALEXANDRA');
  await operator.getByTestId('exam-patient-id').fill('PID-2026-0000012345');
  await operator.getByTestId('exam-submit').click();
  await operator
    .getByTestId('scanner-state')
    .filter({ hasText: /exam open/i })
    .waitFor({ timeout: SETTLE_BUDGET_MS });
  for (const id of ['localizer', 't1-se-ax', 't2-tse-ax', 'flair-ax', 'dwi-ax', 't1-gre-ax']) {
    await operator.getByTestId('library-select').selectOption(id);
    await operator.getByTestId('queue-add').click();
  }
  await operator.getByTestId('queue-item').nth(5).waitFor({ timeout: SETTLE_BUDGET_MS });
});

afterAll(async () => {
  printLinkAuditIfLost(gateway);
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

/**
 * Elements whose content is cut off sideways, or that reach past the window: the key panels
 * scroll inside themselves, so none of them may be wider inside than out.
 */
function clipped(page: Page) {
  return page.evaluate(() => {
    const found: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}[${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? ''}]`;
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    for (const el of document.querySelectorAll(
      '.session-header, .panel, .column, .session-body, .session-footer, .header-right, .button-row, header, section',
    )) {
      const html = el as HTMLElement;
      if (html.scrollWidth > html.clientWidth + 1) found.push(`${describe(el)} scrollWidth ${html.scrollWidth} > clientWidth ${html.clientWidth}`);
    }
    // Inside a panel that scrolls vertically, an element below the fold is reached by scrolling, not cut off.
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const overflowY = getComputedStyle(p).overflowY;
        if ((overflowY === 'auto' || overflowY === 'scroll') && p.scrollHeight > p.clientHeight) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('button, select, input, video, canvas, [data-testid]')) {
      if (inScroller(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > width + 1 || r.bottom > height + 1 || r.left < -1)
        found.push(`${describe(el)} outside the window (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)})`);
    }
    // Nothing spills out of the bottom of a panel that does not scroll (it would lie over the next one).
    for (const panel of document.querySelectorAll('.panel')) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(panel).overflowY)) continue;
      const bottom = panel.getBoundingClientRect().bottom;
      // Unless the element scrolls inside a part of the panel that scrolls.
      const scrollsInside = (el: Element) => {
        for (let p = el.parentElement; p && p !== panel; p = p.parentElement)
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowY)) return true;
        return false;
      };
      for (const el of panel.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.height > 0 && r.bottom > bottom + 1 && !scrollsInside(el)) {
          found.push(`${describe(el)} spills out of ${describe(panel)} by ${Math.round(r.bottom - bottom)} px`);
          break;
        }
      }
    }
    if (document.documentElement.scrollWidth > width + 1) found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    return found;
  });
}

/** The operator's and the trainer's windows, each resized to `size`, with a frame or two for the layout to settle. */
async function workstationsAt(size: { width: number; height: number }) {
  const pages = [
    ['operator', operator],
    ['observer', observer],
  ] as const;
  for (const [, page] of pages) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
  }
  return pages;
}

/** The selectors whose element is missing, or not wholly inside the window and every scrolling ancestor as it shows now. */
function outOfView(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((selectors) => {
    const found: string[] = [];
    for (const selector of selectors) {
      const el = document.querySelector(selector);
      if (!el) {
        found.push(`${selector}: missing`);
        continue;
      }
      const r = el.getBoundingClientRect();
      // Inside the window and inside what every scrolling ancestor shows now (its scroll position as it opens).
      const boxes = [{ top: 0, bottom: document.documentElement.clientHeight, left: 0, right: document.documentElement.clientWidth }];
      for (let p = el.parentElement; p; p = p.parentElement)
        if (['auto', 'scroll'].includes(getComputedStyle(p).overflowY)) boxes.push(p.getBoundingClientRect());
      if (boxes.some((b) => r.top < b.top - 1 || r.bottom > b.bottom + 1 || r.left < b.left - 1 || r.right > b.right + 1))
        found.push(`${selector} at ${Math.round(r.top)}-${Math.round(r.bottom)}`);
    }
    return found;
  }, selectors);
}

describe.skipIf(!chromiumAvailable())('workstation layout', () => {
  it.each(SIZES)('has no clipped panel or control at $width x $height', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200); // a frame or two for the layout to settle after the resize
    if (process.env.LARMOR_SHOT_DIR) await operator.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/layout-${size.width}x${size.height}.png` });
    expect(await clipped(operator)).toEqual([]);
  });

  it.each(SIZES)('names who is signed in, in the header, whole at $width x $height: the site and the exam give way first', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200);
    const name = operator.locator('.session-header .user-name');
    expect(await name.textContent()).toMatch(/\S/);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  });

  it.each(SIZES)('shows each protocol of the library whole, beside what became of the last addition, at $width x $height', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200);
    // The setup's last addition left its outcome ("Add sequence: Done") in the row.
    expect(await operator.locator('[data-testid="command-outcome"][data-origin="queue-add"]').count()).toBe(1);
    const cut = await operator.getByTestId('library-select').evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // The text, the padding, and the closed list's arrow (about 20 px in Chromium).
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return [...select.options]
        .filter((option) => context.measureText(option.text).width > room)
        .map((option) => `${option.text}: ${Math.round(context.measureText(option.text).width)} px in ${Math.round(room)}`);
    });
    expect(cut).toEqual([]);
  });

  it.each(SIZES)(
    'shows the patient’s name and ID whole at $width x $height: the exam panel for the operator and the trainer, the checklist onsite',
    async (size) => {
      // The trainer sees the patient de-identified (observer PHI policy "none"), in the same place.
      for (const [page, selector, id] of [
        [operator, '.exam-panel .exam-line', 'PID-2026-0000012345'],
        [observer, '.exam-panel .exam-line', 'De-identified'],
        [onsite, '[data-testid="checklist-patient"]', 'PID-2026-0000012345'],
      ] as const) {
        await page.setViewportSize(size);
        await page.waitForTimeout(200);
        const line = page.locator(selector).first();
        expect(await line.textContent()).toContain(id);
        // Nothing of the line is cut: as wide inside as out, and every part of it within its box.
        expect(await line.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
        const outside = await line.evaluate((el) => {
          const box = el.getBoundingClientRect();
          return [...el.querySelectorAll('strong, .mono')]
            .map((part) => ({ text: part.textContent ?? '', r: part.getBoundingClientRect() }))
            .filter(({ r }) => r.right > box.right + 1 || r.bottom > box.bottom + 1)
            .map(({ text }) => text);
        });
        expect(outside).toEqual([]);
      }
    },
  );

  it.each(SIZES)('has no clipped panel or control in the trainer’s (observer’s) window at $width x $height', async (size) => {
    await observer.setViewportSize(size);
    await observer.waitForTimeout(200);
    if (process.env.LARMOR_SHOT_DIR) await observer.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/layout-observer-${size.width}x${size.height}.png` });
    expect(await clipped(observer)).toEqual([]);
  });

  it.each(SIZES)('shows every name in the people lists, and who is checked in with what credential, in full at $width x $height', async (size) => {
    const cut: string[] = [];
    for (const [who, page] of [
      ['onsite console', onsite],
      ['operator', operator],
      ['observer', observer],
    ] as const) {
      await page.setViewportSize(size);
      await page.waitForTimeout(200);
      if (process.env.LARMOR_SHOT_DIR && who === 'onsite console')
        await page.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/layout-onsite-${size.width}x${size.height}.png` });
      const names = await page.evaluate(() =>
        // Names, and who is with the patient with their MR safety credential.
        [...document.querySelectorAll('.people-list .person-name, [data-testid="onsite-status"] dd')]
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.textContent ?? ''} (${el.clientWidth} of ${el.scrollWidth} px)`),
      );
      cut.push(...names.map((name) => `${who}: ${name}`));
    }
    expect(cut).toEqual([]);
  });

  it.each(SIZES)('has no clipped panel or control in the onsite console at $width x $height, the emergency stop armed or not', async (size) => {
    await onsite.setViewportSize(size);
    await onsite.waitForTimeout(200);
    expect(await clipped(onsite)).toEqual([]);
    // Armed, it asks for a reason and a confirmation in the same place; cancelled here, nothing is stopped.
    await onsite.getByTestId('estop').click();
    await onsite.getByTestId('estop-confirm').waitFor();
    expect(await clipped(onsite)).toEqual([]);
    // Cancelled with Escape: the confirmation disarms itself after 8 s, and on a busy machine it
    // may already have, which would leave a Cancel button to click nowhere.
    await onsite.keyboard.press('Escape');
    await onsite.getByTestId('estop').waitFor();
  });

  it.each(SIZES)('keeps the call actions and the scan controls in view without scrolling at $width x $height', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200);
    const ids = ['media-mute', 'media-camera', 'media-intercom', 'btn-start', 'btn-pause', 'btn-stop'];
    expect(
      await outOfView(
        operator,
        ids.map((id) => `[data-testid="${id}"]`),
      ),
    ).toEqual([]);
  });

  it.each(SIZES)(
    'keeps who holds control and the scanner room in view without scrolling at $width x $height, for the operator and the trainer',
    async (size) => {
      const hidden: string[] = [];
      for (const [who, page] of await workstationsAt(size)) {
        hidden.push(...(await outOfView(page, ['#people-title', '.people-panel .control-line', '[data-testid="onsite-status"]'])).map((h) => `${who}: ${h}`));
      }
      expect(hidden).toEqual([]);
    },
  );

  it.each(SIZES)(
    'says "More below" at the foot of a column cut by the window, and only then, and brings the rest into view at $width x $height',
    async (size) => {
      /** Whether the column has more below what it shows, and whether its cue is visible. */
      const state = (page: Page, column: string) =>
        page.evaluate((selector) => {
          const el = document.querySelector(selector)!;
          const cue = el.querySelector(':scope > [data-testid="more-below"]')!;
          return { more: el.scrollHeight - el.clientHeight - el.scrollTop > 1, cue: getComputedStyle(cue).visibility === 'visible' };
        }, column);
      const cut: string[] = [];
      for (const [who, page] of await workstationsAt(size)) {
        for (const column of ['.column-right', '.left-scroll']) {
          await page.locator(column).evaluate((el) => el.scrollTo({ top: 0 }));
          // The cue follows the column's scroll and sizes as they are reported, a frame or so later.
          await expect
            .poll(
              async () => {
                const { more, cue } = await state(page, column);
                return cue === more;
              },
              { message: `${who} ${column}` },
            )
            .toBe(true);
          if (!(await state(page, column)).more) continue;
          cut.push(`${who} ${column}`);
          await page.locator(`${column} > [data-testid="more-below"] button`).click();
          await expect.poll(() => state(page, column)).toEqual({ more: false, cue: false });
          await page.locator(column).evaluate((el) => el.scrollTo({ top: 0 }));
          await expect.poll(() => state(page, column)).toEqual({ more: true, cue: true });
        }
      }
      // At a laptop's 1280 x 720 the people list is longer than the right column shows.
      if (size.height === 720) expect(cut).toContain('operator .column-right');
    },
  );

  it('truncates the exam line and keeps the full text on hover', async () => {
    const exam = operator.locator('.header-exam');
    expect(await exam.getAttribute('title')).toMatch(/MUSTERMANN-LONGFAMILYNAME, MAXIMILIANA ALEXANDRA, PID-2026-0000012345/);
  });
});

describe.skipIf(!chromiumAvailable())('accessibility (axe-core)', () => {
  async function seriousViolations(page: Page) {
    const results = await new AxeBuilder({ page }).analyze();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  }

  it('finds no serious or critical violation on the workstation', async () => {
    await operator.setViewportSize({ width: 1440, height: 900 });
    expect(await seriousViolations(operator)).toEqual([]);
  });

  it('finds no serious or critical violation on the onsite console', async () => {
    expect(await seriousViolations(onsite)).toEqual([]);
  });
});

describe.skipIf(!chromiumAvailable())('a training class', () => {
  const trainees: RawClient[] = [];
  beforeAll(async () => {
    // With the trainer's window, twenty observers.
    for (let i = 1; i <= 19; i++) trainees.push(await RawClient.greeted(gateway.url, 'observer', `Trainee ${String(i).padStart(2, '0')}`));
  });
  afterAll(() => {
    for (const trainee of trainees) trainee.ws.close();
  });

  it('is one row in the people lists that opens to every name, on the workstation and the onsite console', async () => {
    for (const [page, list] of [
      [operator, '.people-panel'],
      [onsite, '[aria-labelledby="control-title"]'],
    ] as const) {
      await page.setViewportSize({ width: 1366, height: 768 });
      const panel = page.locator(list);
      const traineeRows = () =>
        panel
          .locator('.people-list li')
          .filter({ hasText: /Trainee \d\d/ })
          .count();
      await panel.getByTestId('observer-count').filter({ hasText: '20 watching' }).waitFor({ timeout: SETTLE_BUDGET_MS });
      expect(await panel.locator('.role-badge.role-observer').count()).toBe(1);
      await panel.getByTestId('observer-names').click();
      await expect.poll(traineeRows).toBe(19);
      expect(await panel.getByTestId('observer-names').getAttribute('aria-expanded')).toBe('true');
      await panel.getByTestId('observer-names').click();
      await expect.poll(traineeRows).toBe(0);
    }
  });

  it.each(SIZES.filter((s) => s.height >= 768))('keeps the operator and the scanner room in the people list in view at $width x $height', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200);
    const rows = await operator.evaluate(() =>
      [...document.querySelectorAll('.people-panel .people-list > li')].slice(0, 3).map((li, i) => {
        li.setAttribute('data-row', String(i));
        return `[data-row="${i}"]`;
      }),
    );
    expect(await outOfView(operator, rows)).toEqual([]);
    expect(await operator.locator('.people-panel .people-list > li').allTextContents()).toEqual([
      expect.stringMatching(/^Operator\s*Rita Remote-Technologist/),
      expect.stringMatching(/^Onsite\s*Olivia Onsite-Longname/),
      expect.stringMatching(/^Observers\s*20 watching/),
    ]);
  });
});
