#!/usr/bin/env node
// Entry point of the `larmor` command. The code is TypeScript compiled to dist/ by
// `npm run build` (run by `npm install`/`npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const [command, ...rest] = process.argv.slice(2);
const entry = command === 'gateway' ? 'gateway/cli.js' : command === 'audit' ? 'gateway/audit/cli.js' : 'main/cli.js';
if (!existsSync(fileURLToPath(new URL(entry, dist)))) {
  console.error('larmor: not built yet; run `npm run build` first');
  process.exit(1);
}
const module = await import(new URL(entry, dist).href);
const code = command === 'gateway' || command === 'audit' ? await module.run(rest) : await module.main(process.argv.slice(2));
// Long-running commands return only once they are done, so exiting here ends no work early.
process.exit(code);
