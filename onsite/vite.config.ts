import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The onsite console page (docs/architecture.md "Parts"), served by the gateway at /onsite from dist/onsite/. It sits
 * beside the workstation's renderer as the second browser entry: the same React, the call module
 * and stylesheet of base/browser, its own small wire client. The gateway holds Node code only and
 * serves this built bundle.
 */
export default defineConfig({
  root,
  base: '/onsite/',
  plugins: [react()],
  build: {
    outDir: resolve(root, '../dist/onsite'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
