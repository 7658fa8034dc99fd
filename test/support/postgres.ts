// Throwaway PostgreSQL clusters for tests: initdb into a temp dir, start on a free
// 127.0.0.1 port with durability switched off, and remove everything on stop().
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface PostgresCluster {
  /** Admin URL: superuser `postgres`, database `postgres`. */
  url: string;
  port: number;
  dir: string;
  /** Stops the server (fast shutdown: every connection is dropped) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: "'127.0.0.1'",
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
  shared_buffers: '32MB',
};

/** Directory holding initdb/pg_ctl: newest /usr/lib/postgresql/<v>/bin, else PATH. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'PostgreSQL 15 is not installed: apt-get install postgresql ' +
      '(no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH)',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root but there is no "postgres" user: apt-get install postgresql');
  }
}

async function waitForConnection(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'emt-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');

  // initdb refuses to run as root, so root drops to the postgres user.
  const run = async (tool: string, args: string[]): Promise<void> => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    try {
      await execFileAsync(cmd, argv, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(
        `${tool} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}` +
          (log ? `\n--- ${logFile} ---\n${log.split('\n').slice(-30).join('\n')}` : ''),
        { cause: error },
      );
    }
  };

  let stopped = false;
  const killOnExit = (): void => {
    // Last resort if the test run dies without calling stop(): immediate shutdown.
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const { uid, gid } = await postgresIds();
      await chown(dir, uid, gid);
    }
    await run('initdb', [
      '-D', dataDir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync',
    ]);

    const settings = { ...SERVER_SETTINGS, unix_socket_directories: `'${dir}'` };
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      Object.entries(settings).map(([key, value]) => `\n${key} = ${value}`).join('') + '\n',
    );
    process.once('exit', killOnExit);

    // The free port can be stolen between probing and binding: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
      } catch (error) {
        if (attempt >= 3) throw error;
        continue;
      }
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      await waitForConnection(url);
      return {
        url,
        port,
        dir,
        async restart() {
          await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
          await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
          await waitForConnection(url);
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          process.removeListener('exit', killOnExit);
          try {
            await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      };
    }
  } catch (error) {
    process.removeListener('exit', killOnExit);
    killOnExit();
    throw error;
  }
}

/** Creates a fresh, uniquely named database on the cluster at `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name?: string): Promise<string> {
  const dbName = name ?? `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // template0: nobody is ever connected to it, so concurrent creates cannot collide.
    await client.query(`create database ${client.escapeIdentifier(dbName)} template template0`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(dbName)}`;
  return url.toString();
}
