import { availableParallelism } from 'node:os';

/**
 * The least V8 lowers the old generation's allocation limit to, in MB: below it, a full
 * collection is not started for the heap's size.
 *
 * Why: V8 counts the memory allocated outside its heap since the last full collection against
 * the old generation's room, and the gateway's images are such memory: the workstation copy of
 * each received image (185 KB an MR image, moved back from the transcode worker), released at the
 * next full collection. With a live heap of about 21 MB, V8 set the limit at 44-92 MB, so a few
 * dozen MB of images started a full collection of the whole heap (20-25 ms of marking): 16-19 in a
 * push of 2,000 MR images. With a floor, fewer of them: a push took 1.95-2.04 s and 2.19-2.28 s
 * of the gateway's CPU at 64 MB against 2.04-2.92 s and 2.34-2.98 s without (four pushes each,
 * alternating).
 *
 * Why 64 and not more: the price of a floor is the garbage the heap may hold until it nears it,
 * and the training class bounds the gateway's memory growth at 10% (README "The old generation's
 * floor"). At 128 MB a push took a little less (1.77-1.99 s, 2.00-2.21 s of CPU) and the class
 * less CPU (52.5-56.2 s in ten minutes against 66.2-78.6 at 64), but under the class the gateway
 * held 40-50 MB more, and its RSS rose 9-10% over the run (a line fitted from minute 1) against
 * 5-6% at 64.
 */
const OLD_GENERATION_FLOOR_MB = 64;

/**
 * V8 options for a Node process that does the gateway's work (its event loop, worker threads and
 * a scanner sending beside it) on a machine of `cores` cores: the old generation's floor
 * (OLD_GENERATION_FLOOR_MB) everywhere, and on two cores or fewer `--single-threaded-gc`, V8
 * collecting on the threads that allocate.
 *
 * Why the second: by default V8 marks, sweeps and scavenges with helper threads (four, however
 * many cores there are) beside the event loop and the gateway's workers. On two cores they take
 * the cores the event loop, the transcode worker and the scanner's sender need, and cost more CPU
 * than the work they take over. In a push of 2,000 MR images into the gateway, they used 1.4 s of
 * its 3.4 s of CPU. With the option such a push took 1.97 s against 2.09 s and 2.25 s of CPU
 * against 2.59 (medians of five, alternating), and in a ten-minute training class the gateway used
 * 67 s of CPU instead of 78 and its event loop's longest delay fell from 87 ms to 66-71 ms (README
 * "V8's helper threads on two cores"). With more cores the helpers have cores of their own, and
 * without them the event loop would do their work: there the default stays.
 *
 * V8 takes them on the command line only: `--single-threaded-gc` set later
 * (v8.setFlagsFromString) made V8 abort at its next collection, and the floor is read when the
 * heap is made. The launchers give them to the gateways they start
 * (main/start/embedded-gateway.ts); a standalone `larmor gateway` says when it was started
 * without them (gateway/cli.ts). Electron's utility process (main/start/utility-gateway.ts) is not
 * given them: it makes its heap before it reads `execArgv`.
 */
export function gcNodeOptions(cores: number = availableParallelism()): string[] {
  return [...(cores <= 2 ? ['--single-threaded-gc'] : []), `--initial-old-space-size=${OLD_GENERATION_FLOOR_MB}`];
}

/** The name of a command-line option, without its value. */
const optionName = (option: string): string => option.split('=')[0]!;

/** Those of gcNodeOptions() this process was not started with. */
export function missingGcNodeOptions(execArgv: readonly string[] = process.execArgv, cores?: number): string[] {
  // Given with another value (a larger floor, say), an option is given.
  return gcNodeOptions(cores).filter((option) => !execArgv.some((given) => optionName(given) === optionName(option)));
}
