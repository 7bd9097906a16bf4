import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');

interface Component {
  name: string;
  group?: string;
  version: string;
  purl?: string;
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  components?: Component[];
}

function flatten(components: Component[] = []): Component[] {
  return components.flatMap((c) => [c, ...flatten(c.components)]);
}

describe('npm run sbom', () => {
  it('writes a CycloneDX SBOM of the app package that lists every runtime dependency, with version and licence', async () => {
    const out = join(tempDir(), 'larmor-app.cdx.json');
    execFileSync(process.execPath, [join(root, 'scripts', 'sbom.js'), '--out', out], { stdio: 'ignore' });
    const sbom = JSON.parse(readFileSync(out, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      metadata: { component: { name: string; version: string } };
      components: Component[];
    };
    expect(sbom.bomFormat).toBe('CycloneDX');
    const app = JSON.parse(readFileSync(join(root, 'app', 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
    expect(sbom.metadata.component).toMatchObject({ name: app.name, version: app.version });

    const all = flatten(sbom.components);
    const nameOf = (c: Component) => (c.group ? `${c.group}/${c.name}` : c.name);
    const listed = new Map(all.map((c) => [nameOf(c), c]));
    for (const name of Object.keys(app.dependencies)) {
      const installed = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(
        all.find((c) => nameOf(c) === name && c.version === installed.version),
        name,
      ).toMatchObject({ purl: expect.stringContaining(`@${installed.version}`) });
    }
    // ...and what those carry, not only the direct ones.
    const { appDependencies } = (await import(join(root, 'scripts', 'app-dependencies.js'))) as { appDependencies(): { name: string; version: string }[] };
    const shipped = appDependencies();
    expect(shipped.length).toBeGreaterThan(Object.keys(app.dependencies).length);
    for (const dep of shipped)
      expect(
        all.some((c) => nameOf(c) === dep.name && c.version === dep.version),
        `${dep.name}@${dep.version}`,
      ).toBe(true);
    // No development tooling in it.
    for (const dev of ['vitest', 'typescript', 'electron-builder', 'vite', 'react']) expect(listed.has(dev), dev).toBe(false);
    expect(listed.get('ws')!.licenses).toEqual([expect.objectContaining({ license: expect.objectContaining({ id: 'MIT' }) })]);
  });
});
