import type { AckMessage } from '../../protocol/index.js';

export function rejected(id: string, code: string, reason: string): AckMessage {
  return { type: 'ack', id, outcome: 'rejected', code, reason };
}
