import { create } from 'zustand';
import type { CallOutput, StreamMessage } from '../../core/api/contract.js';
import { callQuiet } from './call.js';

export type DataProgress = StreamMessage & { type: 'data' };
export type BackupInfo = CallOutput<'backups.list'>[number];

interface DataState {
  /** The latest progress message of each operation (export, import, backup, restore). */
  progress: Partial<Record<DataProgress['op'], DataProgress>>;
  backups: BackupInfo[];
  backupsLoaded: boolean;
  backupsError: string | null;
  receive(msg: DataProgress): void;
  clearProgress(op: DataProgress['op']): void;
  loadBackups(): Promise<void>;
}

/** Settings → Data: progress of exports and imports from the stream, and the backups list. */
export const useData = create<DataState>((set) => ({
  progress: {},
  backups: [],
  backupsLoaded: false,
  backupsError: null,
  receive(msg) {
    set((s) => ({ progress: { ...s.progress, [msg.op]: msg } }));
  },
  clearProgress(op) {
    set((s) => {
      const next = { ...s.progress };
      delete next[op];
      return { progress: next };
    });
  },
  async loadBackups() {
    try {
      const backups = await callQuiet('backups.list', {});
      set({ backups, backupsLoaded: true, backupsError: null });
    } catch (err) {
      set({ backupsLoaded: true, backupsError: err instanceof Error ? err.message : String(err) });
    }
  },
}));

export function progressPercent(p: DataProgress | undefined): number | null {
  if (!p || p.rowsTotal <= 0) return null;
  return Math.min(100, Math.round((p.rowsDone / p.rowsTotal) * 100));
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
