import { ErrorCode, IpcRequests, LarmorError, describeIssues, toCodedError, type IpcRequestName } from '../protocol/index.js';
import { WorkstationCore } from './core/workstation-core.js';
import { Desk } from './desk/desk.js';
import { NO_POLICY, type LoadedPolicy } from './policy/machine-policy.js';
import { sendWaitingLog } from './page-pushes.js';
import { assertConnectAllowed, assertDeskConnectAllowed, policyView } from './policy/policy-enforcement.js';

export interface ApiError {
  code: string;
  message: string;
}

function isRequestName(channel: unknown): channel is IpcRequestName {
  return typeof channel === 'string' && Object.hasOwn(IpcRequests, channel);
}

/**
 * The one gate every renderer request passes, in Electron (ipcMain) and in the browser shell
 * (WebSocket bridge) alike: a known channel, a payload that matches its schema, then the core.
 * The caller has already checked who sent it. The machine policy is applied here, so both shells
 * honour it the same way.
 */
export async function handleApiRequest(host: Desk | WorkstationCore, channel: unknown, payload: unknown, policy: LoadedPolicy = NO_POLICY): Promise<unknown> {
  // A shell given one core serves it as a desk of one (docs/architecture.md "The desk").
  const desk = deskOf(host);
  if (!isRequestName(channel)) throw new LarmorError(ErrorCode.IPC_INVALID_PAYLOAD, `unknown API request ${JSON.stringify(channel)}`);
  const parsed = IpcRequests[channel].safeParse(payload);
  if (!parsed.success) throw new LarmorError(ErrorCode.IPC_INVALID_PAYLOAD, `${channel}: ${describeIssues(parsed.error.issues)}`);
  switch (channel) {
    case 'link.connect':
      assertConnectAllowed(parsed.data as Parameters<typeof assertConnectAllowed>[0], policy.policy);
      await desk.connect(parsed.data);
      return undefined;
    case 'link.disconnect':
      desk.disconnect();
      return undefined;
    case 'state.current':
      return desk.view();
    case 'log.recent':
      // Entries waiting in a pacer are in this answer too: they go first, so the client holds them
      // while it asks and drops the ones the answer repeats (protocol/bridge.ts subscribeLog).
      sendWaitingLog(host);
      sendWaitingLog(desk);
      return desk.recentLog();
    case 'commands.send':
      return desk.sendCommand(parsed.data as Parameters<Desk['sendCommand']>[0]);
    case 'media.send':
      desk.sendMedia(parsed.data as Parameters<Desk['sendMedia']>[0]);
      return undefined;
    case 'policy.current':
      return policyView(policy);
    case 'images.fetch':
      return desk.fetchImages(parsed.data);
    case 'desk.connect':
      assertDeskConnectAllowed(parsed.data as Parameters<typeof assertDeskConnectAllowed>[0], policy.policy);
      await desk.connectSites(parsed.data);
      return undefined;
    case 'desk.focus':
      desk.focus((parsed.data as { siteId: string }).siteId);
      return undefined;
    case 'desk.acknowledge': {
      const { siteId, alarmId } = parsed.data as { siteId: string; alarmId: string };
      await desk.acknowledge(siteId, alarmId);
      return undefined;
    }
    case 'desk.current':
      return desk.deskView();
    case 'collab.send':
      return desk.sendCollab(parsed.data as Parameters<Desk['sendCollab']>[0]);
  }
}

/** The desk a shell serves: the one it was given, or the desk of one around a core. */
export function deskOf(host: Desk | WorkstationCore): Desk {
  return host instanceof WorkstationCore ? Desk.around(host) : host;
}

export function toApiError(err: unknown): ApiError {
  return toCodedError(err);
}
