// @ts-check
/**
 * Media backup: downloads the files of saved posts in the background, after the save was
 * acknowledged. Jobs live in IndexedDB (queued with the post, see store.js), so a worker
 * stopped mid-download or a browser closed mid-backup loses nothing: the next start of the
 * worker (any message, the browser starting, or the retry alarm) carries on.
 *
 * Originals first: a blob with a cid is fetched with com.atproto.sync.getBlob from its
 * owner's PDS (found through the DID document), byte for byte what the author uploaded.
 * Only when that fails is the AppView's URL used (the CDN image, the thumbnail, a video's HLS
 * stream). A failed download is retried with growing delays, up to MAX_ATTEMPTS.
 */
import * as core from '../core.js';
import * as accounts from '../accounts.js';
import * as hls from './hls.js';
import * as store from './store.js';
import * as lib from './wasm.js';

export const ALARM = 'skypanel-backup';
const MAX_ATTEMPTS = 8;
/** Longest a single download may take before it counts as failed. */
const TIMEOUT_MS = 120_000;

/** PDS URLs by DID, while the worker lives. @type {Map<string, string>} */
const pdsOf = new Map();

/** @type {Promise<void> | null} */
let running = null;

/** Starts working through the queue unless already doing so; resolves when it is empty or waiting. */
export function kick() {
  running ??= run().finally(() => (running = null));
  return running;
}

async function run() {
  for (;;) {
    const { job, next } = await store.nextJob(Date.now());
    if (!job) {
      // Jobs given up on wait "forever" (Number.MAX_SAFE_INTEGER): no alarm for those.
      if (next !== null && next < Date.now() + 86_400_000) await chrome.alarms.create(ALARM, { when: Math.max(next, Date.now() + 30_000) });
      return;
    }
    await lib.load();
    try {
      const blob = await download(job);
      await store.finishJob(job, blob, (record) => withMediaState(record, job.file, { state: 'done', size: blob.size }));
    } catch (err) {
      const attempts = (job.attempts ?? 0) + 1;
      const error = /** @type {Error} */ (err)?.message ?? String(err);
      const giveUp = attempts >= MAX_ATTEMPTS;
      // 30 s, 1 min, 2 min, … up to 1 h; a job given up on stays listed (failed) but is not retried.
      const nextAt = giveUp ? Number.MAX_SAFE_INTEGER : Date.now() + Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
      await store.failJob({ ...job, attempts, nextAt, error }, (record) =>
        withMediaState(record, job.file, { state: 'failed', error, attempts }),
      );
    }
  }
}

/**
 * @param {any} record a posts record
 * @param {string} file
 * @param {object} state
 */
function withMediaState(record, file, state) {
  return { ...record, entry: lib.mediaState(record.entry, file, state) };
}

/** @param {any} job */
async function download(job) {
  /** @type {string[]} */
  const failures = [];
  if (job.cid && job.owner) {
    try {
      return await fetchBlob(`${await pds(job.owner)}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(job.owner)}&cid=${encodeURIComponent(job.cid)}`);
    } catch (err) {
      failures.push(`original: ${/** @type {Error} */ (err).message}`);
    }
  }
  // The AppView's copy: for a video, its HLS stream, downloaded whole (see hls.js).
  if (job.url && /^https?:\/\//.test(job.url)) {
    try {
      return job.kind === 'video' ? await hls.download(job.url, fetchOk) : await fetchBlob(job.url);
    } catch (err) {
      failures.push(`${job.kind === 'video' ? 'stream' : 'copy'}: ${/** @type {Error} */ (err).message}`);
    }
  }
  throw new Error(failures.join('; ') || 'nothing to download');
}

/** @param {string} did */
async function pds(did) {
  let url = pdsOf.get(did);
  if (!url) {
    url = /** @type {string} */ (await core.findPds(await accounts.settings(), did));
    pdsOf.set(did, url);
  }
  return url;
}

/** A successful answer for `url`, or an error naming the status. @param {string} url */
async function fetchOk(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), credentials: 'omit' });
  if (!response.ok) throw new Error(`${response.status} from ${new URL(url).host}`);
  return response;
}

/** @param {string} url */
async function fetchBlob(url) {
  return (await fetchOk(url)).blob();
}
