// @ts-check
/**
 * Starts the reference Bluesky network (PLC + PDS + AppView from @atproto/dev-env) on
 * PostgreSQL, seeds it, and returns its description and a stop function. Used by the test
 * runner (through serve.mjs) and by the demo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from './postgres.mjs';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Fails with a clear message when a fixed port is taken. @param {number} port */
async function assertFree(port) {
  await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new Error(`port ${port} is in use; stop what uses it or choose other ports (SKYPANEL_PDS_PORT, SKYPANEL_APPVIEW_PORT, SKYPANEL_PLC_PORT)`)));
    server.listen(port, '127.0.0.1', () => server.close(resolve));
  });
}

/**
 * @param {{pdsPort?: number, appviewPort?: number, plcPort?: number}} [ports] fixed ports, or free ones
 */
export async function startNetwork(ports = {}) {
  const pdsPort = ports.pdsPort ?? (await freePort());
  const appviewPort = ports.appviewPort ?? (await freePort());
  const plcPort = ports.plcPort ?? (await freePort());
  for (const p of [pdsPort, appviewPort, plcPort]) await assertFree(p);

  // dev-env writes blobs, caches and port locks under os.tmpdir() and never cleans up.
  // The Postgres cluster lives beside (not inside) it: the postgres user cannot enter it.
  const pg = startPostgres(await freePort());
  const scratch = mkdtempSync(join(tmpdir(), 'skypanel-net-'));
  process.env.TMPDIR = scratch;
  process.env.REDIS_HOST = process.env.REDIS_HOST || 'unused.invalid';
  const cleanup = [() => pg.stop(), () => rmSync(scratch, { recursive: true, force: true })];
  try {
    const { TestNetwork } = await import('@atproto/dev-env');
    const network = await TestNetwork.create({
      dbPostgresUrl: pg.url,
      dbPostgresSchema: 'skypanel',
      pds: { port: pdsPort },
      bsky: { port: appviewPort },
      plc: { port: plcPort },
    });
    cleanup.unshift(() => network.close());
    const { seed } = await import('./seed.mjs');
    const description = await seed(network);
    const { startFaultProxy } = await import('./fault-proxy.mjs');
    const proxy = await startFaultProxy(description.pds);
    cleanup.unshift(() => proxy.close());
    description.faultProxy = proxy.url;
    return {
      description,
      async stop() {
        for (const step of cleanup.splice(0)) {
          try {
            await step();
          } catch (err) {
            console.error('skypanel: cleanup step failed:', err);
          }
        }
      },
    };
  } catch (err) {
    for (const step of cleanup.splice(0)) {
      try {
        await step();
      } catch {
        // best effort: the original error matters more
      }
    }
    throw err;
  }
}
