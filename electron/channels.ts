/**
 * IPC channel names, shared by the main process and the preload: one channel
 * per contract call ("emt:missions.list"), one for the stream, and one for
 * desktop notifications (not a contract call: only the desktop app has it).
 */
import type { CallName } from '../core/api/contract.js';

export const STREAM_CHANNEL = 'emt:stream';
export const NOTIFY_CHANNEL = 'emt:desktop.notify';

export function callChannel(name: CallName): string {
  return `emt:${name}`;
}
