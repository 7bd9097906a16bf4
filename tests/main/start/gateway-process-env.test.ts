import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gatewayNodeOptions, gatewayProcessEnv } from '../../../main/start/gateway-process-env.js';

describe('how a gateway process is started', () => {
  it('collects garbage on its own threads on two cores or fewer, and as V8 chooses on more', () => {
    expect(gatewayNodeOptions(1)).toEqual(['--single-threaded-gc']);
    expect(gatewayNodeOptions(2)).toEqual(['--single-threaded-gc']);
    expect(gatewayNodeOptions(4)).toEqual([]);
  });

  it('gives options this Node takes on its command line, through collections of every kind', () => {
    // Young and old generation collections, with array buffers, as the gateway's images make.
    const script =
      'const kept = []; for (let i = 0; i < 2000; i++) { kept.push(new Uint8Array(64 * 1024)); if (kept.length > 200) kept.shift(); } globalThis.gc(); console.log("collected")';
    const run = spawnSync(process.execPath, [...gatewayNodeOptions(2), '--expose-gc', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('collected');
    expect(run.status).toBe(0);
  });

  it('holds glibc to two arenas unless the caller chose otherwise', () => {
    expect(gatewayProcessEnv({}).MALLOC_ARENA_MAX).toBe('2');
    expect(gatewayProcessEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8');
  });
});
