const USAGE = `usage: larmor <command> [options]

  start                     workstation with an embedded gateway and scanner simulator
  record --gateway URL --out DIR [--secondary URL] [--journal FILE]
         [--role operator|observer] [--name NAME] [--token T]
                            headless client: writes DIR/events.jsonl and DIR/images/
  decode IN.dcm OUT.raw     decoded pixel data of every frame (RLE Lossless or uncompressed)
  encode-rle IN.dcm OUT.dcm re-encode a file as RLE Lossless
  gateway [--port N] ...    standalone scanner-side gateway (larmor gateway --help)`;

type Command = (argv: string[]) => Promise<number>;

/** Subcommands load lazily so `larmor decode` does not pay for the UI server's imports. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start/start-command.js')).runStart,
  record: async () => (await import('./record/record-command.js')).runRecord,
  decode: async () => (await import('./cli/decode-command.js')).run,
  'encode-rle': async () => (await import('./cli/encode-rle-command.js')).run,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`larmor: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}
