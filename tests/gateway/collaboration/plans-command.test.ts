import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CollabStateMessage } from '../../../protocol/index.js';
import { useGatewayFixture } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';

const LARMOR = join(import.meta.dirname, '..', '..', '..', 'bin', 'larmor.js');

const f = useGatewayFixture();

function plans(args: string[], input = '') {
  return spawnSync(process.execPath, [LARMOR, 'gateway', 'plans', ...args], { input, encoding: 'utf8' });
}

describe('larmor gateway plans (the built CLI, as a process)', () => {
  it('writes a new version of a plan from standard input; a gateway on that data dir sends it to every client', async () => {
    const dataDir = tempDir();
    const first = plans(
      ['set', 'internet-instability', '--by', 'Site Admin', '--data-dir', dataDir],
      'Switch to the hospital 4G router in the control room.\n',
    );
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Internet instability: version 1 saved/);
    expect(plans(['set', 'internet-instability', '--by', 'Site Admin', '--data-dir', dataDir], 'Call IT on 5000, then switch to 4G.').stdout).toMatch(
      /version 2 saved/,
    );
    expect(plans(['show', '--data-dir', dataDir]).stdout).toMatch(
      /Internet instability \(internet-instability; version 2, .* by Site Admin\)\nCall IT on 5000, then switch to 4G\./,
    );

    const gateway = await f.start({ dataFile: join(dataDir, 'gateway', 'gateway.sqlite') });
    const client = await f.client('observer', 'Trainee');
    const state = await client.next<CollabStateMessage>((m) => m.type === 'collab.state');
    expect(state.state.plans.find((p) => p.kind === 'internet-instability')).toMatchObject({ version: 2, text: 'Call IT on 5000, then switch to 4G.' });
    expect(
      gateway.store
        .auditTrail()
        .filter((r) => r.action === 'contingency plan')
        .map((r) => r.decision),
    ).toEqual(['version 1', 'version 2']);
  });

  it('refuses an unknown kind and a plan without an author, with the usage', () => {
    const dataDir = tempDir();
    const unknown = plans(['set', 'fire', '--by', 'A', '--data-dir', dataDir], 'x');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown plan kind "fire"/);
    expect(plans(['set', 'emergency', '--data-dir', dataDir], 'x').stderr).toMatch(/--by NAME/);
  });
});
