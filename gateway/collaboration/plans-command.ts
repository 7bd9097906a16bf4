import { parseArgs } from 'node:util';
import { CONTINGENCY_KINDS, CONTINGENCY_WORDS, ContingencyKind, MAX_PLAN_CHARS } from '../../protocol/index.js';
import { GatewayStore } from '../storage/gateway-store.js';
import { defaultDataDir, gatewayDataFile } from '../storage/data-dir.js';

const USAGE = `usage: larmor gateway plans show [--data-dir DIR]
       larmor gateway plans set KIND --by NAME [--data-dir DIR]   (the plan's text is read from standard input)
KIND: ${CONTINGENCY_KINDS.join(', ')}`;

/**
 * `larmor gateway plans`: the site's written contingency plans for this scanner, kept versioned
 * in the gateway's data directory. Run by the site's administrator on the gateway machine; a
 * running gateway picks up a new version within seconds and shows it to everyone.
 */
export async function runPlans(argv: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string', default: defaultDataDir() },
        by: { type: 'string' },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const [verb, kindText] = parsed.positionals;
  const store = new GatewayStore(gatewayDataFile(parsed.values['data-dir']));
  try {
    if (verb === 'show') {
      for (const plan of store.collaboration.plans()) {
        const when = plan.updatedAt ? `version ${plan.version}, ${plan.updatedAt} by ${plan.updatedBy}` : 'not written yet';
        console.log(`== ${CONTINGENCY_WORDS[plan.kind]} (${plan.kind}; ${when})\n${plan.text}\n`);
      }
      return 0;
    }
    if (verb === 'set') {
      const kind = ContingencyKind.safeParse(kindText);
      if (!kind.success) return usage(`unknown plan kind ${JSON.stringify(kindText ?? '')}`);
      const by = parsed.values.by?.trim();
      if (!by) return usage('--by NAME says who wrote this version (it is kept with the plan)');
      const text = (await readAll(stdin)).trim();
      if (text.length > MAX_PLAN_CHARS) return usage(`a plan holds at most ${MAX_PLAN_CHARS} characters (this one has ${text.length})`);
      const plan = store.collaboration.setPlan(kind.data, text, by);
      store.audit({
        sessionId: null,
        actor: by,
        role: 'admin',
        action: 'contingency plan',
        decision: `version ${plan.version}`,
        code: null,
        detail: { kind: plan.kind, chars: text.length },
      });
      console.log(`${CONTINGENCY_WORDS[plan.kind]}: version ${plan.version} saved`);
      return 0;
    }
    return usage(verb ? `unknown plans command ${JSON.stringify(verb)}` : 'say show or set');
  } finally {
    store.close();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function usage(message: string): number {
  console.error(`larmor gateway plans: ${message}\n${USAGE}`);
  return 2;
}
