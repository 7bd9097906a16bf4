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
 * push of 2,000 MR images. With the limit at 128 MB they are started only by V8's own rule for
 * memory outside the heap (every 64 MB of it): 6 a push, and the push took 1.84-1.86 s and
 * 1.98-2.01 s of the gateway's CPU against 1.93-2.29 s and 2.24-2.47 s (three pushes each,
 * alternating). Under a training class's load the gateway used 52.5-55.1 s of CPU in ten minutes
 * instead of 68.5 (README "The old generation's floor"). The price: the heap may hold up to this
 * much before it is collected; under that load the gateway held 5-40 MB more.
 */
const OLD_GENERATION_FLOOR_MB = 128;

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
