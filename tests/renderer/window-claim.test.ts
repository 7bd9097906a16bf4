import { afterEach, describe, expect, it } from 'vitest';
import { WindowClaim, type ClaimState } from '../../renderer/src/logic/window-claim.js';

const claims: WindowClaim[] = [];
/** Every window's events in the order they happened. */
const timeline: string[] = [];
afterEach(() => {
  for (const c of claims.splice(0)) c.close();
  timeline.length = 0;
});

/**
 * A window of the workstation on a real BroadcastChannel (Node has them too). When displaced it
 * releases its media after `releaseDelayMs`, as a page does once its session screen unmounted.
 */
function openWindow(name: string, channel: string, releaseDelayMs = 0) {
  const events: string[] = [];
  const claim: WindowClaim = new WindowClaim({
    channel: new BroadcastChannel(channel),
    answerWaitMs: 50,
    settleMs: 10,
    id: name,
    onChange: (state: ClaimState) => {
      events.push(`${name} ${state}`);
      timeline.push(`${name} ${state}`);
      if (state === 'displaced') {
        setTimeout(() => {
          events.push(`${name} released`);
          timeline.push(`${name} released`);
          claim.released();
        }, releaseDelayMs);
      }
    },
  });
  claims.push(claim);
  return { claim, events };
}

describe('WindowClaim', () => {
  it('makes a lone window active when no other window answers', async () => {
    const a = openWindow('a', 'claim-lone');
    a.claim.claim();
    await expect.poll(() => a.claim.current).toBe('active');
  });

  it('lets a new window take over only after the old one released its media, however slow that is', async () => {
    const a = openWindow('a', 'claim-slow', 300); // much longer than the 50 ms answer wait
    a.claim.claim();
    await expect.poll(() => a.claim.current).toBe('active');
    const b = openWindow('b', 'claim-slow');
    b.claim.claim();
    await expect.poll(() => b.claim.current).toBe('active');
    expect(a.claim.current).toBe('displaced');
    // b went active after a released, never before.
    expect(timeline.filter((e) => e === 'a released' || e === 'b active')).toEqual(['a released', 'b active']);
    expect(b.events).toEqual(['b active']);
  });

  it('lets the displaced window take the workstation back', async () => {
    const a = openWindow('a', 'claim-back');
    a.claim.claim();
    await expect.poll(() => a.claim.current).toBe('active');
    const b = openWindow('b', 'claim-back');
    b.claim.claim();
    await expect.poll(() => b.claim.current).toBe('active');
    expect(a.claim.current).toBe('displaced');
    a.claim.claim();
    await expect.poll(() => a.claim.current).toBe('active');
    expect(b.claim.current).toBe('displaced');
  });
});
