import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { connectWorkstationPage } from '../helpers/onsite-page.js';
import { buildMrImage } from '../../gateway/imaging/mr-dataset.js';
import { createSeriesImager } from '../../gateway/imaging/index.js';
import { PROTOCOL_LIBRARY } from '../../gateway/simulator/protocol-library.js';
import type { ProtocolTemplate } from '../../protocol/index.js';
import { launchChromium } from '../helpers/browser.js';
import { librarySequence } from '../helpers/library-sequence.js';
import { storescu } from '../helpers/dcmtk.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startWorkstation } from '../helpers/shell.js';

const STUDY = { studyUid: '2.25.5550001', patientName: 'PHANTOM^ROUND', patientId: 'LARMOR-GEOM', studyDescription: 'Geometry' };
const DISC_RADIUS_MM = 90;

let gateway: Gateway;
let browser: Browser;
let page: Page;
let workstation: Awaited<ReturnType<typeof startWorkstation>>;
let dir: string;

/** A round water phantom of radius 90 mm, sampled on the protocol's own matrix and FOV (non-square pixels when the matrix is). */
function discImage(t: ProtocolTemplate, seriesNumber: number): Uint8Array {
  const { matrixRows: rows, matrixCols: columns, fovMm } = t.params;
  const rowSpacingMm = fovMm / rows;
  const columnSpacingMm = fovMm / columns;
  const pixels = new Uint16Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const y = (r - (rows - 1) / 2) * rowSpacingMm;
      const x = (c - (columns - 1) / 2) * columnSpacingMm;
      pixels[r * columns + c] = Math.hypot(x, y) <= DISC_RADIUS_MM ? 2000 : 0;
    }
  }
  const now = new Date('2026-12-01T10:00:00Z');
  return buildMrImage({
    patientName: STUDY.patientName,
    patientId: STUDY.patientId,
    patientBirthDate: '',
    patientSex: '',
    studyUid: STUDY.studyUid,
    studyDescription: STUDY.studyDescription,
    studyDate: now,
    accessionNumber: '',
    seriesUid: `2.25.555${seriesNumber}`,
    seriesNumber,
    seriesDescription: `Round phantom ${t.name}`,
    seriesDate: now,
    frameOfReferenceUid: `2.25.666${seriesNumber}`,
    sopInstanceUid: `2.25.555${seriesNumber}.1`,
    instanceNumber: 1,
    imagesInAcquisition: 1,
    acquisitionDate: now,
    kind: t.kind,
    sequenceName: 'disc',
    trMs: t.params.trMs,
    teMs: t.params.teMs,
    tiMs: t.params.tiMs,
    flipAngleDeg: t.params.flipAngleDeg,
    echoTrainLength: t.params.echoTrainLength,
    averages: t.params.averages,
    fieldStrengthT: 1.5,
    bValue: null,
    rows,
    columns,
    rowSpacingMm,
    columnSpacingMm,
    sliceThicknessMm: t.params.sliceThicknessMm,
    spacingBetweenSlicesMm: t.params.sliceThicknessMm,
    imagePositionMm: [-((columns - 1) / 2) * columnSpacingMm, -((rows - 1) / 2) * rowSpacingMm, 0],
    sliceLocationMm: 0,
    windowCenter: 1000,
    windowWidth: 2000,
    pixels,
    manufacturerModelName: 'test',
    softwareVersion: 'test',
    institutionName: '',
    stationName: '',
  });
}

async function showSeries(seriesUid: string): Promise<void> {
  await page.locator(`[data-testid="series-thumb"][data-series-uid="${seriesUid}"]`).click();
  await expect.poll(() => page.getByTestId('viewport-canvas').getAttribute('data-series-uid')).toBe(seriesUid);
}

/** Width and height on screen of the bright region of the canvas, in CSS pixels. */
function measureBrightRegion(): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="viewport-canvas"]') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let left = canvas.width;
    let right = -1;
    let top = canvas.height;
    let bottom = -1;
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        if (data[(y * canvas.width + x) * 4] > 128) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    const rect = canvas.getBoundingClientRect();
    return { width: ((right - left + 1) * rect.width) / canvas.width, height: ((bottom - top + 1) * rect.height) / canvas.height };
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'larmor-geometry-'));
  gateway = await startTestGateway({ dicom: { port: 0 } });
  workstation = await startWorkstation(gateway.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(workstation.shell.url);
  await connectWorkstationPage(page, gateway, 'observer', 'Reader');
});

afterAll(async () => {
  await browser?.close();
  await workstation?.close();
  await gateway?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('image geometry in the viewer', () => {
  it.each(PROTOCOL_LIBRARY.map((t, i) => [t.name, t, i + 1] as const))('keeps a round phantom round on screen for %s', async (_name, t, seriesNumber) => {
    const file = join(dir, `disc-${t.id}.dcm`);
    await writeFile(file, discImage(t, seriesNumber));
    await storescu(gateway.imaging!.dicomPort!, [file]);
    await expect.poll(() => page.locator(`[data-testid="series-thumb"][data-series-uid="2.25.555${seriesNumber}"]`).count()).toBe(1);
    await showSeries(`2.25.555${seriesNumber}`);
    const disc = await measureBrightRegion();
    // Within a pixel or two of the smaller matrix: round, not an ellipse.
    expect(disc.width / disc.height).toBeGreaterThan(0.97);
    expect(disc.width / disc.height).toBeLessThan(1.03);
  });

  it('shows the localizer as sagittal, coronal and axial images with their orientation markers, and the axial slice as a line on the others', async () => {
    const localizer = createSeriesImager({
      study: STUDY,
      sequence: librarySequence('localizer'),
      seriesNumber: 20,
      seriesUid: '2.25.77720',
      seed: 1,
    });
    const axial = createSeriesImager({
      study: STUDY,
      sequence: librarySequence('t2-tse-ax'),
      seriesNumber: 21,
      seriesUid: '2.25.77721',
      seed: 1,
    });
    const files: string[] = [];
    for (let i = 0; i < localizer.imagesInSeries; i++) {
      files.push(join(dir, `loc-${i + 1}.dcm`));
      await writeFile(files.at(-1)!, localizer.renderSlice(i));
    }
    files.push(join(dir, 'ax-10.dcm'));
    await writeFile(files.at(-1)!, axial.renderSlice(9));
    await storescu(gateway.imaging!.dicomPort!, files);
    await expect.poll(() => page.locator('[data-testid="series-thumb"][data-series-uid="2.25.77720"]').getAttribute('data-images')).toBe('9');

    await showSeries('2.25.77720');
    const viewer = page.getByRole('region', { name: 'Viewport' }).locator('.viewer-stage');
    const markers = async () =>
      Promise.all(['left', 'right', 'top', 'bottom'].map((edge) => page.getByTestId(`orientation-${edge}`).locator('[aria-hidden="true"]').textContent()));
    const goTo = async (instance: number) => {
      await viewer.press('Home');
      for (let i = 1; i < instance; i++) await viewer.press('ArrowDown');
      await expect.poll(() => page.getByTestId('viewport-canvas').getAttribute('data-instance')).toBe(String(instance));
    };

    await goTo(2);
    expect(await markers()).toEqual(['A', 'P', 'H', 'F']);
    const line = page.getByTestId('reference-line').locator('line');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.getAttribute('y1')).toBe(await line.getAttribute('y2')); // an axial slice cuts a sagittal image horizontally
    const sagittal = await measureBrightRegion();

    await goTo(5);
    expect(await markers()).toEqual(['R', 'L', 'H', 'F']);
    await goTo(8);
    expect(await markers()).toEqual(['R', 'L', 'A', 'P']);
    await expect.poll(() => line.count()).toBe(0); // parallel to the axial series: no line

    // The sagittal localizer, 128 x 256 pixels of 1.95 x 0.98 mm, covers a square field: the head is drawn about as high as it is deep.
    expect(sagittal.height / sagittal.width).toBeGreaterThan(0.8);
    expect(sagittal.height / sagittal.width).toBeLessThan(1.3);
  });
});
