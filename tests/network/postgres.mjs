// @ts-check
/**
 * A throwaway PostgreSQL cluster for one test run: created in a temporary directory, on
 * 127.0.0.1 and a free port, with fsync off, and deleted on stop. initdb refuses to run as
 * root, so as root the cluster is owned by and run as the `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Finds Debian's PostgreSQL binaries (newest version first), or explains how to get them. */
function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = join(base, v, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server not found: install it with `sudo apt-get install postgresql` (the test command does this when run as root)');
}

/** @param {string[]} cmd @param {boolean} asPostgres */
function run(cmd, asPostgres) {
  const [file, ...args] = asPostgres ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd;
  const result = spawnSync(file, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${cmd[0].split('/').pop()} failed: ${(result.stderr || result.stdout || '').trim()}`);
  }
}

/**
 * Starts a cluster and resolves with its connection URL and a stop function.
 * @param {number} port
 */
export function startPostgres(port) {
  const bin = binDir();
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'skypanel-pg-'));
  const data = join(dir, 'data');
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  run([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], asPostgres);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c unix_socket_directories=${dir} -c max_connections=200`;
  run([join(bin, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start'], asPostgres);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres);
      } catch {
        // already gone: nothing to stop
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
