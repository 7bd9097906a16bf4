import type { SequenceKind, SequenceParams } from '../../protocol/index.js';

/**
 * Acquisition time from the sequence parameters, the way an MR console estimates it.
 *
 * 2D multislice sequences interleave slices within one TR, so the base time is
 *   TR x phase-encoding lines x averages / echo train length
 * multiplied by the number of "concatenations" (TR passes) needed when not every slice fits in
 * one TR. Each slice occupies a slot of the echo train plus a fixed overhead for the excitation
 * and spoiling; inversion recovery also needs TI inside the TR. EPI diffusion is single-shot:
 * one TR acquires every slice once, repeated for each b-value and diffusion direction.
 */

/** Time a slice needs inside one TR besides its echoes (excitation, spoiler, fat sat), in ms. */
const SLICE_OVERHEAD_MS = 8;
/** Echo spacing of the turbo spin-echo trains, in ms. */
const ECHO_SPACING_MS = 10;
/** Three orthogonal diffusion directions for every non-zero b-value (trace-weighted DWI). */
const DIFFUSION_DIRECTIONS = 3;

function sliceSlotMs(kind: SequenceKind, params: SequenceParams): number {
  switch (kind) {
    case 'GRE':
      return params.teMs + SLICE_OVERHEAD_MS;
    case 'SE':
      return params.teMs + SLICE_OVERHEAD_MS;
    case 'TSE':
    case 'IR-TSE':
      return Math.max(params.teMs, params.echoTrainLength * ECHO_SPACING_MS) + SLICE_OVERHEAD_MS;
    case 'EPI-DWI':
      // Readout of the whole k-space after the diffusion preparation.
      return params.teMs + params.matrixRows * 0.5 + SLICE_OVERHEAD_MS;
  }
}

/** Slices that fit in one TR (at least one). */
function slicesPerTr(kind: SequenceKind, params: SequenceParams): number {
  const usable = kind === 'IR-TSE' ? params.trMs - (params.tiMs ?? 0) : params.trMs;
  return Math.max(1, Math.floor(usable / sliceSlotMs(kind, params)));
}

export function concatenations(kind: SequenceKind, params: SequenceParams): number {
  return Math.ceil(params.slices / slicesPerTr(kind, params));
}

/** Number of images the sequence produces (one per slice, per diffusion weighting for DWI). */
export function imagesInSeries(kind: SequenceKind, params: SequenceParams): number {
  return kind === 'EPI-DWI' ? params.slices * Math.max(1, params.bValues.length) : params.slices;
}

/** Acquisition time in seconds, rounded to 0.1 s as consoles display it. */
export function acquisitionTimeS(kind: SequenceKind, params: SequenceParams): number {
  let ms: number;
  if (kind === 'EPI-DWI') {
    const weightings = params.bValues.reduce((n, b) => n + (b > 0 ? DIFFUSION_DIRECTIONS : 1), 0);
    ms = params.trMs * Math.max(1, weightings) * params.averages * concatenations(kind, params);
  } else {
    const shots = Math.ceil(params.matrixRows / Math.max(1, params.echoTrainLength));
    ms = params.trMs * shots * params.averages * concatenations(kind, params);
  }
  return Math.round(ms / 100) / 10;
}
