import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const rendererRoot = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(rendererRoot, '../dist/renderer');

/**
 * The browser shell's `window.larmor` shim (written by the main-process side) is built here too,
 * so one `vite build` produces everything the shell serves. It is emitted at the output root as
 * `larmor-shim.js`, without a hash, because the shell injects it by that fixed name before the
 * app script. Until preload/browser-shim.ts exists the build simply leaves it out.
 */
const SHIM_ENTRY = 'shim';
const SHIM_FILE = 'larmor-shim.js';
const shimSource = resolve(rendererRoot, '../preload/browser-shim.ts');
const hasShim = existsSync(shimSource);

/**
 * The shim is injected by the shell as its own script. If it ends up importing a chunk shared
 * with the app (both importing the same module), it only works when loaded as a module script;
 * say so at build time rather than at a confusing runtime failure.
 */
function reportShimImports(): Plugin {
  return {
    name: 'larmor-shim-imports',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shim = Object.values(bundle).find((item) => item.type === 'chunk' && item.fileName === SHIM_FILE);
      if (shim && shim.type === 'chunk' && shim.imports.length > 0) {
        this.warn(`${SHIM_FILE} imports ${shim.imports.join(', ')}: the shell must load it with type="module"`);
      }
    },
  };
}

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react(), reportShimImports()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        main: resolve(rendererRoot, 'index.html'),
        ...(hasShim ? { [SHIM_ENTRY]: shimSource } : {}),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === SHIM_ENTRY ? SHIM_FILE : 'assets/[name]-[hash].js'),
      },
    },
  },
});
