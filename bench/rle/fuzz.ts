/**
 * Long fuzz run of the RLE decoders (the CI test runs a bounded number of cases).
 *   npx tsx bench/rle/fuzz.ts [--cases N] [--seed S]
 * Prints the outcome counts and exits non-zero on any untyped error or disagreement between the
 * native addon and the TypeScript fallback.
 */
import { loadNativeRle, typescriptRle, type RleCodec } from '../../native-bridge/index.js';
import { fuzz } from '../../tests/native-bridge/support/fuzz.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const cases = option('--cases', 2_000_000);
const seed = option('--seed', Date.now() % 1_000_000);
const native = loadNativeRle();
const codecs: RleCodec[] = native ? [typescriptRle, native] : [typescriptRle];
const started = performance.now();
let total = 0;
const codes: Record<string, number> = {};
const failures: string[] = [];
const batch = 50_000;
for (let done = 0, round = 0; done < cases && failures.length === 0; done += batch, round++) {
  const report = fuzz(codecs, Math.min(batch, cases - done), seed + round);
  total += report.cases;
  codes.decoded = (codes.decoded ?? 0) + report.decoded;
  for (const [code, count] of Object.entries(report.codes)) codes[code] = (codes[code] ?? 0) + count;
  failures.push(...report.failures);
  process.stderr.write(`\r${total} cases`);
}
process.stderr.write('\n');
console.log(
  `implementations: ${codecs.map((c) => c.implementation).join(', ')}; seed ${seed}; ${total} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.table(Object.entries(codes).map(([outcome, count]) => ({ outcome, count })));
if (failures.length > 0) {
  console.log(failures.join('\n'));
  process.exit(1);
}
console.log('no crash, no untyped error, implementations agree');
