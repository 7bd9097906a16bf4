import { describe, expect, it } from 'vitest';
import { gatewayProcessEnv } from '../../../main/start/gateway-process-env.js';

describe('the environment of a gateway process', () => {
  it('holds glibc to two arenas unless the caller chose otherwise', () => {
    expect(gatewayProcessEnv({}).MALLOC_ARENA_MAX).toBe('2');
    expect(gatewayProcessEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8');
  });
});
