// `npm run sbom`: a CycloneDX SBOM of the shipped app package (app/package.json and the
// packages it carries), written to out/sbom/larmor-app.cdx.json beside the installers.
// cyclonedx-npm reads an installed tree with `npm ls`; app/ has none of its own (electron-builder
// installs it at packaging time), so this lays out the same tree from the repository's
// node_modules (manifests and licence files only: cyclonedx-npm reads nothing else) and runs
// cyclonedx-npm over it with development dependencies omitted.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appDependencies, root } from './app-dependencies.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outFile = values.out ?? join(root, 'out', 'sbom', 'larmor-app.cdx.json');

const tree = mkdtempSync(join(tmpdir(), 'larmor-sbom-'));
try {
  copyFileSync(join(root, 'app', 'package.json'), join(tree, 'package.json'));
  for (const dep of appDependencies()) {
    const from = join(root, dep.dir);
    const to = join(tree, dep.dir);
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      if (name === 'package.json' || /^(licen[cs]e|copying|notice)/i.test(name)) copyFileSync(join(from, name), join(to, name));
    }
  }
  mkdirSync(join(outFile, '..'), { recursive: true });
  const cli = join(root, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');
  const result = spawnSync(
    process.execPath,
    [
      existsSync(cli) ? cli : join(root, 'node_modules', '.bin', 'cyclonedx-npm'),
      '--omit',
      'dev',
      '--spec-version',
      '1.6',
      '--output-reproducible',
      '--mc-type',
      'application',
      '--gather-license-texts',
      '--output-file',
      outFile,
      join(tree, 'package.json'),
    ],
    { cwd: tree, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // The status is set, not exited with, so that `finally` removes the tree.
  if (result.status !== 0) {
    console.error(`sbom: cyclonedx-npm failed (${result.status ?? result.signal})`);
    process.exitCode = 1;
  } else console.log(`sbom: ${outFile}`);
} finally {
  rmSync(tree, { recursive: true, force: true });
}
