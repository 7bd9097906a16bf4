import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import { safetyFixture } from './support.js';

const f = safetyFixture();

describe('safety rule 3: one active acquisition per remote operator', () => {
  it('refuses a second start while the operator has an acquisition running', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    await operator.command(f.id('queue2'), { name: 'sequence.queue', protocolId: 't2-tse-ax' });
    expect((await operator.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
    const second = await operator.command(f.id('start2'), { name: 'scan.start' });
    expect(second).toMatchObject({ outcome: 'rejected', code: ErrorCode.ACQUISITION_ACTIVE });
    expect(f.gateway.snapshot().queue.filter((s) => s.status === 'acquiring')).toHaveLength(1);
  });

  it('allows the next start once the first acquisition has ended', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    await operator.command(f.id('queue2'), { name: 'sequence.queue', protocolId: 't2-tse-ax' });
    await operator.command(f.id('start'), { name: 'scan.start' });
    await operator.command(f.id('stop'), { name: 'scan.stop' });
    expect((await operator.command(f.id('start2'), { name: 'scan.start' })).outcome).toBe('done');
  });
});
