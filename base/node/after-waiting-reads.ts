/**
 * Runs `judge` after the reads that are waiting now. A timer's callback runs before the event
 * loop's poll phase, in which Node reads what its sockets hold, and a setImmediate callback runs
 * after it (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick). A
 * deadline judged at once, after a pause of this process (a long task, a starved host), would
 * take a peer that sent in time, and whose bytes wait unread, for a silent one.
 *
 * Two turns of setImmediate, not one: a WebSocket server that hands over one message per turn
 * (ws's `allowSynchronousEvents: false`) emits the first message of a read from a setImmediate
 * callback queued in the poll phase, behind one queued here before it.
 */
export function afterWaitingReads(judge: () => void): void {
  setImmediate(() => setImmediate(judge));
}
