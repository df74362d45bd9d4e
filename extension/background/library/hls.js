// @ts-check
/**
 * The fallback for a video whose original file cannot be fetched from its author's PDS:
 * download its HLS stream (the AppView's `playlist`) — the best variant, every segment — into
 * one file. With fMP4 segments (an `#EXT-X-MAP` init section) the result is a fragmented MP4
 * that plays like the original; with MPEG-TS segments it is a `.ts` stream kept as a backup.
 * Only plain, unencrypted playlists are followed; anything else is an error that says so.
 */

/** Most segments and bytes one video may have (a 3-hour video at 6 s segments is 1,800). */
const MAX_SEGMENTS = 4000;
const MAX_BYTES = 2 * 1024 ** 3;

/**
 * The variants of a master playlist, best (highest bandwidth) first; empty for a media
 * playlist.
 * @param {string} text
 * @param {string} base the playlist's URL, for relative URIs
 * @returns {{bandwidth: number, uri: string}[]}
 */
export function variants(text, base) {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  /** @type {{bandwidth: number, uri: string}[]} */
  const out = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const bandwidth = Number(/BANDWIDTH=(\d+)/.exec(line)?.[1] ?? 0);
    const uri = lines.slice(i + 1).find((l) => l && !l.startsWith('#'));
    if (uri) out.push({ bandwidth, uri: new URL(uri, base).href });
  });
  return out.sort((a, b) => b.bandwidth - a.bandwidth);
}

/**
 * The files of a media playlist, in play order: the init section (fMP4), then each segment.
 * @param {string} text
 * @param {string} base
 * @returns {{init: string | null, segments: string[]}}
 */
export function segments(text, base) {
  if (!text.startsWith('#EXTM3U')) throw new Error('the video stream is not an HLS playlist');
  let init = null;
  /** @type {string[]} */
  const files = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-KEY:') && !/METHOD=NONE/.test(line)) throw new Error('the video stream is encrypted; it cannot be backed up');
    if (line.startsWith('#EXT-X-BYTERANGE')) throw new Error('the video stream uses byte ranges, which SkyPanel does not back up yet');
    const map = /^#EXT-X-MAP:.*URI="([^"]+)"/.exec(line);
    if (map) init ??= new URL(map[1], base).href;
    else if (line && !line.startsWith('#')) files.push(new URL(line, base).href);
  }
  if (!files.length) throw new Error('the video stream lists no segments');
  if (files.length > MAX_SEGMENTS) throw new Error(`the video stream has ${files.length} segments; SkyPanel backs up at most ${MAX_SEGMENTS}`);
  return { init, segments: files };
}

/**
 * Downloads an HLS stream into one Blob.
 * @param {string} url the master (or media) playlist
 * @param {(url: string) => Promise<Response>} get fetch with the caller's timeout and checks
 * @returns {Promise<Blob>}
 */
export async function download(url, get) {
  let playlistUrl = url;
  let text = await (await get(playlistUrl)).text();
  const best = variants(text, playlistUrl)[0];
  if (best) {
    playlistUrl = best.uri;
    text = await (await get(playlistUrl)).text();
  }
  const { init, segments: files } = segments(text, playlistUrl);
  /** @type {Blob[]} */
  const parts = [];
  let bytes = 0;
  for (const file of init ? [init, ...files] : files) {
    const part = await (await get(file)).blob();
    bytes += part.size;
    if (bytes > MAX_BYTES) throw new Error('the video stream is over 2 GB; it was not backed up');
    parts.push(part);
  }
  return new Blob(parts, { type: init ? 'video/mp4' : 'video/mp2t' });
}
