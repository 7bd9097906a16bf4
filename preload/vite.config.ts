import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The Electron preload as one CommonJS file (dist/preload/preload.cjs): a sandboxed preload may
 * require only `electron`, so the shared bridge client is bundled in.
 */
export default defineConfig({
  build: {
    outDir: resolve(here, '../dist/preload'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    target: 'chrome120',
    lib: { entry: resolve(here, 'preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
