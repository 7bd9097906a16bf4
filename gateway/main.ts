// Process entry of the gateway when it runs as a child of the workstation (npm start, Electron).
import { run } from './cli.js';

process.exit(await run(process.argv.slice(2)));
