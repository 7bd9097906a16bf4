import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The onsite console page (docs/architecture.md "Parts"), served by the gateway at /onsite from dist/onsite/. Same
 * React and the same stylesheet as the workstation, its own entry and its own small wire client.
 */
export default defineConfig({
  root,
  base: '/onsite/',
  plugins: [react()],
  build: {
    outDir: resolve(root, '../../dist/onsite'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
