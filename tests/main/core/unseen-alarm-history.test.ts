/**
 * A workstation that resumes after a gap longer than the gateway's event buffer gets a fresh
 * snapshot and the notice history, which holds every alarm no one has seen however old
 * (gateway/server/notice-history.ts). An alarm the workstation had already logged is not logged,
 * nor raised on the desk, a second time (docs/architecture.md "Wire protocol", "Resume").
 */
import { expect, it } from 'vitest';
import { useRelayedCore } from './core-harness.js';

const relayedCore = useRelayedCore();
/** How long a test waits for what the core should log (a bound on waiting, not on speed). */
const WAIT = { timeout: 30_000 };
/** More notices than the gateway's event buffer keeps (gateway/server/gateway.ts EVENT_BUFFER_EVENTS). */
const BEYOND_THE_BUFFER = 5_001;

it('logs an unseen alarm once when a resume after a long gap brings it again in the notice history', async () => {
  const { gateway, relay, core, log } = await relayedCore({ requireChecklist: false }, { baseDelayMs: 50 });
  gateway.notice('alarm', 'HELP CALLED by Onsite (onsite)', { kind: 'help-call', detail: 'by Onsite (onsite)', by: 'Onsite' });
  await expect.poll(() => log.all.find((a) => a.type === 'notice' && a.alarm?.kind === 'help-call'), WAIT).toBeDefined();
  const call = log.all.find((a) => a.type === 'notice' && a.alarm?.kind === 'help-call') as { seq: number };
  // More than the workstation remembers of the notices it logged.
  for (let i = 0; i < 300; i++) gateway.notice('info', `before the gap ${i}`);
  await expect.poll(() => log.all.some((a) => a.type === 'notice' && a.text === 'before the gap 299'), WAIT).toBe(true);

  // The link drops (an event numbered far ahead makes the core resume), and while it is down the gateway says more than its buffer keeps.
  relay.inject({
    data: JSON.stringify({ type: 'event', seq: 9_000_000_000, at: new Date().toISOString(), body: { kind: 'notice', level: 'info', text: 'far ahead' } }),
    binary: false,
  });
  for (let i = 0; i < BEYOND_THE_BUFFER; i++) gateway.notice('info', `during the gap ${i}`);
  await expect.poll(() => log.all.some((a) => a.type === 'resume' && a.mode === 'snapshot'), WAIT).toBe(true);
  await expect.poll(() => log.all.some((a) => a.type === 'notice' && a.text === `during the gap ${BEYOND_THE_BUFFER - 1}`), WAIT).toBe(true);

  expect(log.all.filter((a) => a.type === 'notice' && a.seq === call.seq)).toHaveLength(1);
  expect(core.view().link.status).toBe('connected');
});
