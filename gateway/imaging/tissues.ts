/**
 * Tissue classes of the digital head phantom and their MR properties at 1.5 T.
 *
 * Values are in vivo literature values (or, where marked "assumed", reasonable round numbers
 * chosen so the images look right); the simulator is a teaching/demo aid, not a quantitative
 * reference. Units: ms for relaxation times, 1e-3 mm^2/s for ADC, relative proton density
 * (pure water = 1).
 *
 * Sources:
 *  - [Rooney 2007] Rooney WD et al., "Magnetic field and tissue dependencies of human brain
 *    longitudinal 1H2O relaxation in vivo", Magn Reson Med 2007;57:308-318. T1 = A * B0^beta;
 *    WM A=0.583 s, beta=0.382 -> 681 ms at 1.5 T; cortical GM A=0.857 s, beta=0.376 -> 998 ms;
 *    CSF T1 ~4.3 s, field independent.
 *  - [Stanisz 2005] Stanisz GJ et al., "T1, T2 relaxation and magnetization transfer in tissue
 *    at 3T", Magn Reson Med 2005;54:507-512, Table 1 (1.5 T column): WM T2 72 ms, GM T2 95 ms,
 *    skeletal muscle T1 1008 ms / T2 44 ms.
 *  - [de Bazelaire 2004] de Bazelaire CMJ et al., "MR imaging relaxation times of abdominal and
 *    pelvic tissues measured in vivo at 3.0 T", Radiology 2004;230:652-659 (1.5 T reference
 *    values): subcutaneous fat T1 343 ms, T2 58 ms.
 *  - [Peters 2007] Peters AM et al., "T2* measurements in human brain at 1.5, 3 and 7 T",
 *    Magn Reson Imaging 2007;25:748-753: at 1.5 T, GM T2* ~84 ms, WM T2* ~66 ms.
 *  - [Spijkerman 2018] Spijkerman JM et al., "T2 mapping of cerebrospinal fluid: 3 T versus
 *    7 T", MAGMA 2018;31:415-424: CSF T2 of roughly 1.5-2 s; we use 2000 ms.
 *  - Water content (proton density): WM ~0.69-0.70, GM ~0.80, CSF ~1.0 (e.g. Whittall KP et
 *    al., Magn Reson Med 1997;37:34-43, and Tofts PS (ed.), "Quantitative MRI of the Brain",
 *    Wiley 2003, ch. 4).
 *  - ADC: Helenius J et al., "Diffusion-weighted MR imaging in normal human brains in various
 *    age groups", AJNR 2002;23:194-199: WM ~0.70, cortical GM ~0.83 (1e-3 mm^2/s); CSF ~3.0,
 *    free water at 37 degC (Le Bihan D, Radiology 1990;177:328-329 and later reviews).
 */

export const Tissue = {
  background: 0,
  fat: 1,
  whiteMatter: 2,
  greyMatter: 3,
  csf: 4,
  bone: 5,
  muscle: 6,
} as const;
export type Tissue = (typeof Tissue)[keyof typeof Tissue];

export interface TissueProperties {
  name: string;
  /** Relative proton density, pure water = 1. */
  pd: number;
  t1Ms: number;
  t2Ms: number;
  /**
   * Apparent T2 in a fast (turbo) spin echo train. Equal to T2 except for fat, whose J-coupling
   * is suppressed by closely spaced refocusing pulses, so fat stays bright on TSE (Henkelman RM
   * et al., "Anomalous J-coupling in fast spin echo imaging", JMRI 1992;2:533-540).
   */
  t2TseMs: number;
  /** Effective transverse relaxation for gradient echoes. */
  t2StarMs: number;
  /** Apparent diffusion coefficient, 1e-3 mm^2/s. */
  adc: number;
  /** True for lipid: spectral fat saturation (used by EPI-DWI) suppresses it. */
  isFat: boolean;
}

/** Indexed by `Tissue`. */
export const TISSUES_1_5T: readonly TissueProperties[] = [
  // Air around the head: no protons, so only noise shows there.
  { name: 'background', pd: 0, t1Ms: 1, t2Ms: 1, t2TseMs: 1, t2StarMs: 1, adc: 0, isFat: false },
  // [de Bazelaire 2004] T1/T2; PD, T2* and TSE T2 (~2.5x, Henkelman 1992) assumed (fat T2* shortened by its multi-peak spectrum).
  { name: 'fat', pd: 0.9, t1Ms: 343, t2Ms: 58, t2TseMs: 150, t2StarMs: 35, adc: 0.01, isFat: true },
  // [Rooney 2007] T1, [Stanisz 2005] T2, [Peters 2007] T2*, [Helenius 2002] ADC.
  { name: 'white matter', pd: 0.69, t1Ms: 681, t2Ms: 72, t2TseMs: 72, t2StarMs: 66, adc: 0.7, isFat: false },
  { name: 'grey matter', pd: 0.8, t1Ms: 998, t2Ms: 95, t2TseMs: 95, t2StarMs: 84, adc: 0.83, isFat: false },
  // [Rooney 2007] T1 ~4.3 s, [Spijkerman 2018] T2 ~2 s; T2* assumed close to T2 (no iron).
  { name: 'csf', pd: 1.0, t1Ms: 4300, t2Ms: 2000, t2TseMs: 2000, t2StarMs: 1500, adc: 3.0, isFat: false },
  // Cortical bone: almost no MR-visible water and a sub-millisecond T2 (assumed values).
  { name: 'bone', pd: 0.05, t1Ms: 250, t2Ms: 1, t2TseMs: 1, t2StarMs: 0.5, adc: 0.1, isFat: false },
  // Scalp and temporalis muscle: [Stanisz 2005] T1/T2; PD, T2* and ADC assumed.
  { name: 'muscle', pd: 0.75, t1Ms: 1008, t2Ms: 44, t2TseMs: 44, t2StarMs: 30, adc: 1.5, isFat: false },
];
