import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { ErrorCode, codeOf } from '../../protocol/index.js';
import { openAuditDatabase } from './audit-reader.js';
import { defaultDataDir, gatewayDataFile } from '../storage/data-dir.js';
import { exportLines } from './export.js';
import { verifyAuditChain } from './verify.js';

const USAGE = `usage: larmor audit verify [--data-dir DIR]
       larmor audit export [--data-dir DIR] --format jsonl|dicom [--since ISO-8601]`;

/**
 * `larmor audit`: checks and exports the gateway's audit trail. Reads the database of
 * `larmor gateway --data-dir DIR` read-only, so it may run while the gateway runs.
 */
export async function run(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  let values: { 'data-dir': string; format?: string; since?: string; help: boolean };
  try {
    values = parseArgs({
      args: rest,
      options: {
        'data-dir': { type: 'string', default: defaultDataDir() },
        format: { type: 'string' },
        since: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values as typeof values;
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (values.help || subcommand === '--help' || subcommand === undefined) {
    console.log(USAGE);
    return subcommand === undefined ? 2 : 0;
  }
  try {
    if (subcommand === 'verify') return verify(values['data-dir']);
    if (subcommand === 'export') return await exportCommand(values['data-dir'], values.format, values.since);
  } catch (err) {
    const code = codeOf(err);
    console.error(`larmor audit: ${code}: ${(err as Error).message}`);
    return 1;
  }
  return usageError(`unknown subcommand ${subcommand}`);
}

function verify(dataDir: string): number {
  const db = openAuditDatabase(gatewayDataFile(dataDir));
  try {
    const result = verifyAuditChain(db);
    if (result.ok) {
      console.log(`audit chain intact: ${result.rows} rows, last hash ${result.lastHash}`);
      return 0;
    }
    console.error(
      `larmor audit: ${ErrorCode.AUDIT_CHAIN_BROKEN}: first broken row ${result.brokenAt ?? '?'}: ${result.reason} (${result.rows} rows before it are intact)`,
    );
    return 1;
  } finally {
    db.close();
  }
}

async function exportCommand(dataDir: string, format: string | undefined, since: string | undefined): Promise<number> {
  if (format !== 'jsonl' && format !== 'dicom') return usageError('--format must be jsonl or dicom');
  let sinceIso: string | undefined;
  if (since !== undefined) {
    const t = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(t)) return usageError(`--since ${since} is not an ISO-8601 date or time`);
    // Stored times are UTC ISO strings, so comparing normalised strings compares instants.
    sinceIso = new Date(t).toISOString();
  }
  const db = openAuditDatabase(gatewayDataFile(dataDir));
  try {
    // Written in chunks with back-pressure: an export of millions of rows to a pipe stays bounded.
    let chunk: string[] = [];
    const flush = async () => {
      const text = chunk.length === 0 ? '' : chunk.join('\n') + '\n';
      chunk = [];
      if (text !== '' && !process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    };
    for (const line of exportLines(db, format, { sourceId: `larmor-gateway@${hostname()}` }, sinceIso)) {
      chunk.push(line);
      if (chunk.length >= 1000) await flush();
    }
    await flush();
    return 0;
  } finally {
    db.close();
  }
}

function usageError(message: string): number {
  console.error(`larmor audit: ${ErrorCode.AUDIT_INVALID_ARGUMENT}: ${message}\n${USAGE}`);
  return 2;
}
