import type { LarmorApi } from '../../protocol/index.js';

declare global {
  interface Window {
    larmor: LarmorApi;
  }
}
