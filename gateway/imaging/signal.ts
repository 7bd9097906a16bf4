/**
 * Steady-state MR signal equations: the magnitude a voxel of one pure tissue gives for a
 * sequence family and its timing. Relative units: a voxel of pure water (PD 1) fully relaxed
 * and fully tipped gives 1.
 *
 * Equations (standard textbook forms, e.g. Haacke EM et al., "Magnetic Resonance Imaging:
 * Physical Principles and Sequence Design", Wiley 1999, ch. 8 and 18; Bernstein MA et al.,
 * "Handbook of MRI Pulse Sequences", Elsevier 2004):
 *  - spin echo (SE, and TSE at its effective TE, with fat's longer apparent T2 in echo trains):
 *      S = PD * (1 - 2 e^{-(TR - TE/2)/T1} + e^{-TR/T1}) * e^{-TE/T2}
 *  - spoiled gradient echo (FLASH/SPGR), Ernst equation:
 *      S = PD * sin(a) * (1 - E1) / (1 - cos(a) E1) * e^{-TE/T2*},  E1 = e^{-TR/T1}
 *  - inversion recovery (IR-TSE: FLAIR, STIR), magnitude reconstruction:
 *      S = PD * |1 - 2 e^{-TI/T1} + e^{-TR/T1}| * e^{-TE/T2}
 *  - diffusion-weighted spin-echo EPI with spectral fat saturation:
 *      S = PD * (1 - e^{-TR/T1}) * e^{-TE/T2} * e^{-b ADC}
 */
import { LarmorError } from '../../protocol/errors.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { SequenceKind, SequenceParams } from '../../protocol/scanner.js';
import { TISSUES_1_5T, type TissueProperties } from './tissues.js';

/** Fraction of fat signal left after spectral fat saturation (assumed, typical 95% suppression). */
const FAT_SAT_RESIDUAL = 0.05;

export interface Weighting {
  kind: SequenceKind;
  params: Pick<SequenceParams, 'trMs' | 'teMs' | 'tiMs' | 'flipAngleDeg'>;
  /** Diffusion weighting in s/mm^2 (EPI-DWI only; 0 otherwise). */
  bValue: number;
}

export function tissueSignal(tissue: TissueProperties, w: Weighting): number {
  const { trMs: tr, teMs: te, tiMs, flipAngleDeg } = w.params;
  if (tissue.pd === 0) return 0;
  const e1 = Math.exp(-tr / tissue.t1Ms);
  switch (w.kind) {
    case 'SE':
    case 'TSE': {
      const longitudinal = 1 - 2 * Math.exp(-(tr - te / 2) / tissue.t1Ms) + e1;
      const t2 = w.kind === 'TSE' ? tissue.t2TseMs : tissue.t2Ms;
      return tissue.pd * Math.max(0, longitudinal) * Math.exp(-te / t2);
    }
    case 'GRE': {
      const alpha = (flipAngleDeg * Math.PI) / 180;
      const steadyState = (Math.sin(alpha) * (1 - e1)) / (1 - Math.cos(alpha) * e1);
      return tissue.pd * Math.abs(steadyState) * Math.exp(-te / tissue.t2StarMs);
    }
    case 'IR-TSE': {
      if (tiMs === null || !(tiMs > 0)) {
        throw new LarmorError(ErrorCode.IMAGE_INVALID_SEQUENCE, `inversion recovery needs a positive inversion time, got ${String(tiMs)}`);
      }
      const longitudinal = 1 - 2 * Math.exp(-tiMs / tissue.t1Ms) + e1;
      return tissue.pd * Math.abs(longitudinal) * Math.exp(-te / tissue.t2TseMs);
    }
    case 'EPI-DWI': {
      const fatSat = tissue.isFat ? FAT_SAT_RESIDUAL : 1;
      // b in s/mm^2, ADC in 1e-3 mm^2/s.
      const diffusion = Math.exp(-w.bValue * tissue.adc * 1e-3);
      return fatSat * tissue.pd * (1 - e1) * Math.exp(-te / tissue.t2Ms) * diffusion;
    }
    default: {
      const unknown: never = w.kind;
      throw new LarmorError(ErrorCode.IMAGE_INVALID_SEQUENCE, `unknown sequence kind ${String(unknown)}`);
    }
  }
}

/** Signal of every phantom tissue, indexed by `Tissue`. */
export function tissueSignalTable(w: Weighting): Float64Array {
  const table = new Float64Array(TISSUES_1_5T.length);
  for (let t = 0; t < TISSUES_1_5T.length; t++) table[t] = tissueSignal(TISSUES_1_5T[t], w);
  return table;
}
