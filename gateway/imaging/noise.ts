/**
 * Deterministic noise for simulated magnitude images.
 *
 * MR raw data carry white Gaussian noise on the real and imaginary channels; a magnitude image
 * therefore follows a Rician distribution: |S + n_re + i n_im| (Gudbjartsson H, Patz S,
 * "The Rician distribution of noisy MRI data", Magn Reson Med 1995;34:910-914). Background air
 * shows Rayleigh noise of mean sigma*sqrt(pi/2), and low signals are biased upwards, as on a
 * real scanner.
 */
import type { Random } from '../../base/common/random.js';

/**
 * Replaces each value of `signal` in place by a Rician sample around it, with per-channel
 * standard deviation `sigma`. Box-Muller gives the two Gaussian channels from two uniforms.
 */
export function addRicianNoise(signal: Float32Array, sigma: number, random: Random): void {
  if (sigma <= 0) return;
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < signal.length; i++) {
    const u1 = 1 - random(); // (0, 1]: log stays finite
    const u2 = random();
    const radius = sigma * Math.sqrt(-2 * Math.log(u1));
    const re = signal[i] + radius * Math.cos(twoPi * u2);
    const im = radius * Math.sin(twoPi * u2);
    signal[i] = Math.sqrt(re * re + im * im);
  }
}

/**
 * Noise level relative to a fully relaxed water voxel, from the acquisition: SNR grows with
 * voxel volume and with sqrt(number of samples x averages) (Edelstein WA et al., Med Phys
 * 1986;13:320-324; Macovski A, Magn Reson Med 1996;36:494-497). Calibrated so that a
 * 256x256, 230 mm, 5 mm, 1-average acquisition has sigma = 1.2% of water.
 */
export function noiseSigma(opts: { pixelSpacingMm: number; sliceThicknessMm: number; rows: number; columns: number; averages: number }): number {
  const refVoxel = (230 / 256) ** 2 * 5;
  const refSamples = 256 * 256;
  const voxel = opts.pixelSpacingMm ** 2 * opts.sliceThicknessMm;
  const samples = opts.rows * opts.columns * Math.max(1, opts.averages);
  const sigma = 0.012 * (refVoxel / voxel) * Math.sqrt(refSamples / samples);
  return Math.min(0.2, Math.max(0.002, sigma));
}
