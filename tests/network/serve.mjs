// @ts-check
/**
 * Runs the seeded network until told to stop. Usage: node serve.mjs OUT.json
 * Writes OUT.json (the network's description) once it is ready — waiting for that file is
 * how callers know the network is up — and stops cleanly on SIGTERM, SIGINT or when its
 * parent process dies.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { startNetwork } from './network.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node serve.mjs OUT.json');
  process.exit(2);
}
const env = (/** @type {string} */ name) => (process.env[name] ? Number(process.env[name]) : undefined);

const started = Date.now();
let network;
try {
  network = await startNetwork({ pdsPort: env('SKYPANEL_PDS_PORT'), appviewPort: env('SKYPANEL_APPVIEW_PORT'), plcPort: env('SKYPANEL_PLC_PORT') });
} catch (err) {
  console.error(`skypanel: the local Bluesky network did not start: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
}
writeFileSync(`${out}.tmp`, JSON.stringify(network.description, null, 2));
renameSync(`${out}.tmp`, out);
console.error(`skypanel: network ready in ${((Date.now() - started) / 1000).toFixed(1)} s — PDS ${network.description.pds}, AppView ${network.description.appview}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  rmSync(out, { force: true });
  await network.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the runner that started us is killed outright, we are re-parented: stop too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, 1000);
