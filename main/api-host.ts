import { ErrorCode, IpcRequests, LarmorError, describeIssues, toCodedError, type IpcRequestName } from '../protocol/index.js';
import type { WorkstationCore } from './core/workstation-core.js';
import { NO_POLICY, type LoadedPolicy } from './policy/machine-policy.js';
import { assertConnectAllowed, policyView } from './policy/policy-enforcement.js';

export interface ApiError {
  code: string;
  message: string;
}

export function isRequestName(channel: unknown): channel is IpcRequestName {
  return typeof channel === 'string' && Object.hasOwn(IpcRequests, channel);
}

/**
 * The one gate every renderer request passes, in Electron (ipcMain) and in the browser shell
 * (WebSocket bridge) alike: a known channel, a payload that matches its schema, then the core.
 * The caller has already checked who sent it. The machine policy is applied here, so both shells
 * honour it the same way.
 */
export async function handleApiRequest(core: WorkstationCore, channel: unknown, payload: unknown, policy: LoadedPolicy = NO_POLICY): Promise<unknown> {
  if (!isRequestName(channel)) throw new LarmorError(ErrorCode.IPC_INVALID_PAYLOAD, `unknown API request ${JSON.stringify(channel)}`);
  const parsed = IpcRequests[channel].safeParse(payload);
  if (!parsed.success) throw new LarmorError(ErrorCode.IPC_INVALID_PAYLOAD, `${channel}: ${describeIssues(parsed.error.issues)}`);
  switch (channel) {
    case 'link.connect':
      assertConnectAllowed(parsed.data as Parameters<typeof assertConnectAllowed>[0], policy.policy);
      await core.connect(parsed.data);
      return undefined;
    case 'link.disconnect':
      core.disconnect();
      return undefined;
    case 'state.current':
      return core.view();
    case 'commands.send':
      return core.sendCommand(parsed.data as Parameters<WorkstationCore['sendCommand']>[0]);
    case 'media.send':
      core.sendMedia(parsed.data as Parameters<WorkstationCore['sendMedia']>[0]);
      return undefined;
    case 'policy.current':
      return policyView(policy);
    case 'collab.send':
      return core.sendCollab(parsed.data as Parameters<WorkstationCore['sendCollab']>[0]);
  }
}

export function toApiError(err: unknown): ApiError {
  return toCodedError(err);
}
