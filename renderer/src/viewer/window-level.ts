import { pixelStats, type StoredPixels, type ViewerImage } from './pixels.js';
import { ownWindow, rescaledRange, windowForRange, type WindowLevel } from '../../../base/common/voi-window.js';

/** The window the image carries (Window Center/Width, PS3.3 C.11.2), else its full value range. */
export function imageWindow(image: ViewerImage): WindowLevel {
  return ownWindow(image.meta.windowCenter, image.meta.windowWidth, () => fullRangeValues(image));
}

export function fullRangeWindow(image: ViewerImage): WindowLevel {
  const range = fullRangeValues(image);
  return windowForRange(range.min, range.max);
}

function fullRangeValues(image: ViewerImage): { min: number; max: number } {
  return rescaledRange(pixelStats(image.pixels), image.meta.rescaleSlope, image.meta.rescaleIntercept);
}

const histogramCache = new WeakMap<StoredPixels, Uint32Array>();

function histogram(pixels: StoredPixels): Uint32Array {
  const cached = histogramCache.get(pixels);
  if (cached) return cached;
  const { minStored, maxStored } = pixelStats(pixels);
  const counts = new Uint32Array(maxStored - minStored + 1);
  for (let i = 0; i < pixels.length; i++) counts[pixels[i] - minStored]++;
  histogramCache.set(pixels, counts);
  return counts;
}

/** Stored value below which `fraction` of the pixels lie (nearest rank). */
export function storedPercentile(pixels: StoredPixels, fraction: number): number {
  const counts = histogram(pixels);
  const { minStored } = pixelStats(pixels);
  const rank = Math.min(pixels.length, Math.max(1, Math.ceil(fraction * pixels.length)));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return minStored + i;
  }
  return minStored + counts.length - 1;
}

/**
 * MR values have no absolute scale (unlike CT Hounsfield units), so a robust automatic window
 * spans the 1st to 99th percentile: a few very bright pixels (fat, flow) no longer flatten the rest.
 */
export function autoWindow(image: ViewerImage, low = 0.01, high = 0.99): WindowLevel {
  const { rescaleSlope: slope, rescaleIntercept: intercept } = image.meta;
  const a = storedPercentile(image.pixels, low) * slope + intercept;
  const b = storedPercentile(image.pixels, high) * slope + intercept;
  return windowForRange(Math.min(a, b), Math.max(a, b));
}

export interface WindowPreset {
  key: '1' | '2' | '3' | '4' | '5';
  label: string;
  /** null means "the image's own window" (the same as reset). */
  window(image: ViewerImage): WindowLevel | null;
}

/** Keys 1-5. Relative to each image, because MR intensities differ per scanner, coil and sequence. */
export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { key: '1', label: 'Image window', window: () => null },
  { key: '2', label: 'Auto (1-99 %)', window: (image) => autoWindow(image) },
  { key: '3', label: 'Full range', window: (image) => fullRangeWindow(image) },
  { key: '4', label: 'High contrast', window: (image) => scaleWidth(imageWindow(image), 0.5) },
  { key: '5', label: 'Low contrast', window: (image) => scaleWidth(imageWindow(image), 2) },
];

function scaleWidth(window: WindowLevel, factor: number): WindowLevel {
  return { center: window.center, width: Math.max(1, window.width * factor) };
}

/** What the viewport shows: the user's window for the series when set, else each image's own. */
export function effectiveWindow(image: ViewerImage, userWindow: WindowLevel | null): WindowLevel {
  return userWindow ?? imageWindow(image);
}

/**
 * Left drag (Cornerstone's default): right widens, down raises the level, both measured
 * from where the drag began. One screen pixel moves the window by 1/1024 of the image's range
 * (at least one unit), so a drag across the viewport spans the whole range whatever the scale.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number, rescaledSpan: number): WindowLevel {
  const perPixel = Math.max(1, rescaledSpan / 1024);
  return { center: start.center + dy * perPixel, width: Math.max(1, start.width + dx * perPixel) };
}

export function rescaledSpan(image: ViewerImage): number {
  const range = fullRangeValues(image);
  return range.max - range.min;
}
