import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SiteEntry } from '../../protocol/index.js';
import { startEmbeddedGateway, type EmbeddedGateway, type ReportedDemoAccount } from './embedded-gateway.js';

/** The scanners `npm start` simulates for the desk (docs/architecture.md "The desk"), one gateway process each. */
const DEMO_SCANNERS = [
  { id: 'mr-1', site: 'MR-1', tesla: '1.5' },
  { id: 'mr-2', site: 'MR-2', tesla: '3' },
  { id: 'mr-3', site: 'MR-3', tesla: '1.5' },
  { id: 'mr-4', site: 'MR-4', tesla: '3' },
] as const;
const MAX_DEMO_SCANNERS = DEMO_SCANNERS.length;

export interface DemoScanner {
  site: SiteEntry;
  gateway: EmbeddedGateway;
}

/**
 * `--scanners N` (or LARMOR_SCANNERS) taken out of `npm start`'s arguments; the rest go to every
 * gateway. Default two, so a newcomer sees the desk at once; `--scanners 1` is the one-gateway start.
 */
export function takeScannerCount(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { scanners: number; rest: string[] } | { error: string } {
  const rest: string[] = [];
  let value: string | undefined = env.LARMOR_SCANNERS || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--scanners') value = argv[++i];
    else if (arg.startsWith('--scanners=')) value = arg.slice('--scanners='.length);
    else rest.push(arg);
  }
  const scanners = value === undefined ? 2 : Number(value);
  if (!Number.isInteger(scanners) || scanners < 1 || scanners > MAX_DEMO_SCANNERS)
    return { error: `--scanners must be a whole number from 1 to ${MAX_DEMO_SCANNERS}` };
  return { scanners, rest };
}

/** The data directory the gateways' arguments name (the last --data-dir wins, as in parseArgs), else the gateway's default. */
function baseDataDir(args: readonly string[], env: NodeJS.ProcessEnv): string {
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') dir = args[i + 1];
    else if (args[i]!.startsWith('--data-dir=')) dir = args[i]!.slice('--data-dir='.length);
  }
  return dir ?? env.LARMOR_DATA_DIR ?? join(homedir(), '.larmor');
}

/**
 * Start `count` simulated scanners, each its own gateway process with its own data directory
 * (the first keeps the usual one, so an existing demo keeps its accounts). The first creates the
 * demo accounts; the others get the same passwords, so one sign-in works at every site. The
 * accounts created on this run are returned for the caller to print once.
 */
export async function startDemoScanners(
  count: number,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ scanners: DemoScanner[]; created: { on: string; accounts: ReportedDemoAccount[] } | null }> {
  const scanners: DemoScanner[] = [];
  let created: { on: string; accounts: ReportedDemoAccount[] } | null = null;
  let passwords: Record<string, string> | undefined;
  const base = baseDataDir(args, env);
  const basePort = env.LARMOR_GATEWAY_PORT ? Number(env.LARMOR_GATEWAY_PORT) : 0;
  try {
    for (const [index, demo] of DEMO_SCANNERS.slice(0, count).entries()) {
      const name = `${demo.site} ${demo.tesla} T`;
      // The site's own words first, so arguments given to npm start still override them.
      const gatewayArgs = ['--site', demo.site, '--field-strength', demo.tesla, ...args, ...(index > 0 ? ['--data-dir', join(base, 'sites', demo.id)] : [])];
      const gateway = await startEmbeddedGateway(gatewayArgs, {
        reportDemoAccounts: true,
        ...(passwords ? { demoPasswords: passwords } : {}),
        port: String(basePort === 0 ? 0 : basePort + index),
      });
      scanners.push({ site: { id: demo.id, name, url: gateway.url }, gateway });
      if (gateway.demoAccounts.length > 0) {
        // Same passwords at every scanner created from here on; said once, naming where they apply.
        if (created) created.on = `${created.on}, ${name}`;
        else created = { on: name, accounts: gateway.demoAccounts };
        passwords ??= Object.fromEntries(gateway.demoAccounts.map((a) => [a.userId, a.password]));
      }
    }
  } catch (err) {
    await Promise.all(scanners.map((s) => s.gateway.stop()));
    throw err;
  }
  return { scanners, created };
}
