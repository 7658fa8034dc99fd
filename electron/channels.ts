/**
 * IPC channel names, shared by the main process and the preload: one channel
 * per contract call ("emt:missions.list") and one for the stream.
 */
import type { CallName } from '../core/api/contract.js';

export const STREAM_CHANNEL = 'emt:stream';

export function callChannel(name: CallName): string {
  return `emt:${name}`;
}
