import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { gcNodeOptions } from '../../base/node/gc-node-options.js';
import { addAccount, startGatewayProcess, stopProcess } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp-dir.js';

let child: ChildProcess | undefined;
afterEach(async () => {
  await stopProcess(child);
  child = undefined;
});

/** What `larmor gateway` prints up to its onsite console's address, its last line at start, started with these Node options. */
async function startupOutput(nodeOptions: string[]): Promise<string> {
  const dataDir = tempDir();
  addAccount(dataDir, 'site.admin', 'admin', 'a long test password');
  const started = startGatewayProcess(['--port', '0', '--data-dir', dataDir], nodeOptions);
  child = started.child;
  await expect.poll(started.output).toMatch(/onsite console: /);
  return started.output();
}

describe('a standalone gateway and the collection options its machine wants (base/node/gc-node-options.ts)', () => {
  it('says how to start it when started without them', async () => {
    const said = await startupOutput([]);
    if (gcNodeOptions().length === 0) return void expect(said).not.toMatch(/start the gateway as/);
    expect(said).toContain(`start the gateway as \`node ${gcNodeOptions().join(' ')} bin/larmor.js gateway ...\``);
  });

  it('says nothing of them when started with them', async () => {
    expect(await startupOutput(gcNodeOptions())).not.toMatch(/start the gateway as/);
  });
});
