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
});
