// @ts-check
/**
 * The library as a .zip, on the library page: export (the `skypanel.saved` JSON, every
 * backed-up media file, and an offline index.html) and import (media restored first, so
 * nothing needs downloading again, then the JSON merged by the worker).
 *
 * Media are read and written straight in the library's IndexedDB (this page shares the
 * extension's origin): Blobs cannot cross chrome.runtime messaging, which carries JSON.
 *
 * Layout of an archive:
 *   skypanel-saved.json   the export (crates/skypanel-core/src/library/export.rs)
 *   index.html            the posts, readable offline in any browser (offline.js)
 *   media/<stem>.<ext>    each backed-up file, under the name its entries give it
 */
import * as store from '../background/library/store.js';
import { offlineHtml } from './offline.js';
import { INDEX_NAME, JSON_NAME, MEDIA_NAME, readExportZip, writeZip } from './zip.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;

/** A type for files whose entry gives none, from the extension the core chose. @type {Record<string, string>} */
const MIME_BY_EXT = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif',
  heic: 'image/heic', mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mpeg: 'video/mpeg',
};

/** Whether bytes start like a ZIP archive (a local header, or the end record of an empty one). @param {Uint8Array} head */
export function looksLikeZip(head) {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/**
 * The library (or the posts named) as a .zip.
 * @param {{uris?: string[]}} [options] only these posts (a search's results)
 * @returns {Promise<{blob: Blob, posts: number, files: number, missing: number}>} `missing`: files the
 *   entries call backed up that the library does not hold (left out; an import fetches them)
 */
export async function exportZip(options = {}) {
  /** @type {string} */
  const json = await SkyPanel.send('library.export', { as: 'json', ...(options.uris ? { uris: options.uris } : {}) });
  // Read only to list the files; the JSON goes into the archive exactly as the core wrote it.
  const files = new Set();
  /** @type {any[]} */
  const entries = JSON.parse(json).posts ?? [];
  for (const entry of entries) {
    for (const m of entry.media ?? []) if (m?.state === 'done' && MEDIA_NAME.test(m.file)) files.add(m.file);
  }
  /** @type {{name: string, data: Blob}[]} */
  const media = [];
  let missing = 0;
  for (const file of [...files].sort()) {
    const stored = await store.getMedia(file);
    if (stored?.blob) media.push({ name: file, data: stored.blob });
    else missing++;
  }
  const blob = await writeZip([{ name: JSON_NAME, data: json }, { name: INDEX_NAME, data: await offlineHtml(json) }, ...media]);
  return { blob, posts: entries.length, files: media.length, missing };
}

/**
 * Imports a .zip export. Nothing is written until the archive has been read whole (every
 * CRC checked) and the worker has checked its JSON with the import's own strict reader;
 * then the media files go into the library in one transaction, and the JSON is imported
 * (merged by at-uri; media already present are not downloaded again).
 * @param {Blob} file
 * @returns {Promise<{report: {added: number, merged: number, skipped: number}, restored: number}>}
 */
export async function importZip(file) {
  const { json, media } = await readExportZip(new Uint8Array(await file.arrayBuffer()));
  /** @type {{posts: number, media: {file: string, mime: string | null, size: number | null}[]}} */
  const checked = await SkyPanel.send('library.checkExport', { text: json });
  /** @type {{file: string, blob: Blob}[]} */
  const files = [];
  for (const m of checked.media) {
    const bytes = media.get(m.file);
    if (!bytes) continue; // not in the archive: the import queues its download
    if (m.size !== null && bytes.length !== m.size) {
      const error = new Error(`this .zip is damaged (${m.file} is ${bytes.length} bytes, but the export says ${m.size}); export it again from SkyPanel`);
      error.name = 'InvalidInput';
      throw error;
    }
    const type = m.mime ?? MIME_BY_EXT[m.file.slice(m.file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
    files.push({ file: m.file, blob: new Blob([bytes], { type }) });
  }
  const restored = files.length ? await store.putMediaFiles(files) : 0;
  const report = await SkyPanel.send('library.import', { text: json });
  return { report, restored };
}
