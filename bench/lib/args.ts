/** A numeric command-line option (`--rounds 3`), or `fallback` when it is not given. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}
