// Runs the real electron-builder as far as a machine without the Electron download host allows:
// an unpacked Linux app (`--dir`) built around a STAND-IN Electron binary (random bytes carrying
// Electron's fuse wire in its factory state, every fuse on), then `verify-package` on the result.
// What this proves: electron-builder accepts electron-builder.yml, packs app.asar with the
// staged app and its production node_modules, unpacks the native addons, and @electron/fuses
// flips the fuse wire as configured. What it cannot prove: that the real Electron 40 binary
// starts, loads the asar, and honours the fuses (that needs `npm run dist` where the download
// works, then `npm run verify-package` and a start of the app).
//   node scripts/package-dry-run.js          (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { appDependencies, root } from './app-dependencies.js';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const standIn = mkdtempSync(join(tmpdir(), 'larmor-stand-in-electron-'));
try {
  writeFileSync(
    join(standIn, 'electron'),
    Buffer.concat([randomBytes(65536), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('11111111'), randomBytes(65536)]),
  );
  chmodSync(join(standIn, 'electron'), 0o755);
  writeFileSync(join(standIn, 'version'), '40.8.5');
  writeFileSync(join(standIn, 'LICENSE'), 'stand-in Electron distribution for a packaging dry run\n');
  mkdirSync(join(standIn, 'resources'));

  execFileSync(process.execPath, [join(root, 'scripts', 'stage-app.js')], { stdio: 'inherit' });
  // electron-builder would `npm install` app/'s production dependencies; offline, the same
  // versions are linked from the repository's node_modules.
  rmSync(join(root, 'app', 'node_modules'), { recursive: true, force: true });
  for (const dep of appDependencies()) {
    const to = join(root, 'app', dep.dir);
    mkdirSync(dirname(to), { recursive: true });
    execFileSync('cp', ['-al', join(root, dep.dir), to]);
  }
  const builder = spawnSync(
    join(root, 'node_modules', '.bin', 'electron-builder'),
    ['--config', 'electron-builder.yml', '--linux', 'dir', '--publish', 'never', '-c.npmRebuild=false', `-c.electronDist=${standIn}`],
    { cwd: root, stdio: 'inherit' },
  );
  // The status is set, not exited with, so that `finally` removes the stand-in.
  if (builder.status !== 0) process.exitCode = builder.status ?? 1;
  else {
    const verify = spawnSync(process.execPath, [join(root, 'scripts', 'verify-package.js'), join(root, 'out', 'linux-unpacked', 'larmor')], {
      stdio: 'inherit',
    });
    console.log('package-dry-run: the binary above is a STAND-IN; this checks packaging, not Electron itself');
    process.exitCode = verify.status ?? 1;
  }
} finally {
  rmSync(standIn, { recursive: true, force: true });
}
