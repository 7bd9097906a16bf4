import { describe, expect, it } from 'vitest';
import { SendProgress } from '../../../gateway/server/send-progress.js';

const MiB = 1024 * 1024;

/** A socket's write counters: `written` asked to be sent, `queued` of them not yet in the kernel's hands. */
function counters(): { bytesWritten: number; writableLength: number } {
  return { bytesWritten: 0, writableLength: 0 };
}

describe('SendProgress', () => {
  it('counts the time a client takes nothing while more than 1 MiB waits, from the last time it took something', () => {
    const socket = counters();
    const progress = new SendProgress(socket, 0);
    // The kernel takes the first bytes; then they wait in the socket's queue.
    socket.bytesWritten = 10 * MiB;
    socket.writableLength = 6 * MiB;
    expect(progress.stalledMs(100, 6 * MiB)).toBe(0);
    socket.bytesWritten = 20 * MiB;
    socket.writableLength = 16 * MiB;
    expect(progress.stalledMs(1100, 16 * MiB)).toBe(1000);
    // It read a little: the count starts again.
    socket.writableLength = 15 * MiB;
    expect(progress.stalledMs(1200, 15 * MiB)).toBe(0);
    expect(progress.stalledMs(5200, 15 * MiB)).toBe(4000);
  });

  it('never counts a client with little waiting, and excuses the time the gateway itself stood still', () => {
    const socket = counters();
    const progress = new SendProgress(socket, 0);
    socket.bytesWritten = 5 * MiB;
    socket.writableLength = MiB;
    expect(progress.stalledMs(10_000, MiB)).toBe(0);
    socket.bytesWritten = 9 * MiB;
    socket.writableLength = 5 * MiB;
    expect(progress.stalledMs(20_000, 5 * MiB)).toBe(10_000);
    progress.excuse(8000);
    expect(progress.stalledMs(20_000, 5 * MiB)).toBe(2000);
  });

  it('says how long the oldest byte waiting has waited, at least, from marks made a tick apart, while the client is not catching up', () => {
    const socket = counters();
    const progress = new SendProgress(socket, 0);
    socket.bytesWritten = 8 * MiB;
    socket.writableLength = 2 * MiB;
    expect(progress.behindMs(1000, 2 * MiB)).toBe(0); // marks 8 MiB queued by 1 s, 2 MiB waiting
    socket.bytesWritten = 12 * MiB;
    socket.writableLength = 5 * MiB; // taken up to 7 MiB: what was queued by 1 s still waits
    expect(progress.behindMs(2000, 5 * MiB)).toBe(1000);
    socket.writableLength = 4.5 * MiB; // a little taken: still behind, and further
    expect(progress.behindMs(3000, 4.5 * MiB)).toBe(2000);
    socket.bytesWritten = 16 * MiB;
    socket.writableLength = 7 * MiB; // taken up to 9 MiB: past the first mark, not the second (12 MiB by 2 s)
    expect(progress.behindMs(4000, 7 * MiB)).toBe(2000);
    progress.excuse(1500);
    expect(progress.behindMs(4000, 7 * MiB)).toBe(500);
    // Catching up: less waits than when the oldest mark was made.
    socket.writableLength = 4 * MiB;
    expect(progress.behindMs(5000, 4 * MiB)).toBe(0);
    socket.writableLength = 0;
    expect(progress.behindMs(6000, 0)).toBe(0);
  });

  it('never says a client taking one large object at a steady pace is behind, however long it takes', () => {
    const socket = counters();
    const progress = new SendProgress(socket, 0);
    // 150 MB queued at once, taken 2.5 MB a second.
    socket.bytesWritten = 150 * MiB;
    for (let second = 0; second <= 59; second++) {
      socket.writableLength = (150 - 2.5 * second) * MiB;
      expect(progress.behindMs(second * 1000, socket.writableLength)).toBe(0);
    }
  });

  it('never says a client with little waiting is behind, and keeps few marks for one sent a little every tick', () => {
    const socket = counters();
    const progress = new SendProgress(socket, 0);
    for (let tick = 1; tick <= 10_000; tick++) {
      socket.bytesWritten += 10;
      socket.writableLength += 10;
      expect(progress.behindMs(tick * 250, socket.writableLength)).toBe(0);
    }
    expect((progress as unknown as { marks: unknown[] }).marks.length).toBeLessThanOrEqual(64);
    // Once over 1 MiB, judged from the first mark it kept.
    socket.bytesWritten += 2 * MiB;
    socket.writableLength += 2 * MiB;
    expect(progress.behindMs(10_001 * 250, socket.writableLength)).toBe(10_000 * 250);
  });
});
