// Copies the build output into app/ (electron-builder's app directory) before packaging.
import { cpSync, existsSync, rmSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const target = new URL('app/dist/', root);
rmSync(target, { recursive: true, force: true });
cpSync(new URL('dist/', root), target, { recursive: true });
const addon = new URL('native-bridge/build/Release/', root);
if (existsSync(addon)) cpSync(addon, new URL('app/native-bridge/build/Release/', root), { recursive: true });
console.log('staged dist/ into app/ for electron-builder');
