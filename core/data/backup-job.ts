import type { HeartbeatJob } from '../ops/heartbeat.js';
import { getPolicy } from '../ops/policy.js';
import { localDate } from '../ops/time.js';
import { pruneBackups, listBackups } from './backups.js';
import type { BackupInfo, BackupReason } from './backups.js';

/** What the job needs from its host. */
export interface BackupTarget {
  readonly backupsDir: string | null;
  backup(reason: BackupReason): Promise<BackupInfo>;
}

/**
 * The heartbeat's backup job: when backup_policy is enabled and no scheduled
 * backup exists yet for today (the local day in the timezone policy, by the
 * Clock), takes one, then keeps the newest `keep`.
 */
export function backupJob(target: BackupTarget): HeartbeatJob {
  return {
    name: 'scheduled_backup',
    async run(ctx) {
      const dir = target.backupsDir;
      if (!dir) return { skipped: 'no backups folder' };
      const policy = await getPolicy(ctx.db, 'backup_policy');
      if (!policy.enabled) return { skipped: 'backup_policy is off' };
      const tz = (await getPolicy(ctx.db, 'timezone')).name;
      const now = ctx.clock.now();
      const today = localDate(now, tz);
      const existing = await listBackups(dir);
      if (existing.some((b) => b.reason === 'scheduled' && localDate(Date.parse(b.createdAt), tz) === today)) return { skipped: `already backed up on ${today}` };
      const made = await target.backup('scheduled');
      const pruned = await pruneBackups(dir, policy.keep);
      return { backup: made.id, rows: made.rows, bytes: made.bytes, pruned };
    },
  };
}
