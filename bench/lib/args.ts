/** A numeric command-line option (`--rounds 3`), or `fallback` when it is not given. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/** A string command-line option (`--reference-root DIR`), or undefined when it is not given. */
export function stringArg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}
