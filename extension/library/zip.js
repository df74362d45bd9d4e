// @ts-check
/**
 * ZIP archives for the library's export and import, without dependencies (the extension
 * ships no bundler and no node_modules).
 *
 * Writing: stored entries only — the media are JPEG, PNG, MP4…, already compressed, and the
 * JSON is small next to them — with UTF-8 names, CRC-32s, local headers, the central
 * directory and the end record (APPNOTE 6.3). No ZIP64: an archive over 4 GB or 65,535
 * entries is refused with a message saying so.
 *
 * Reading: stored and deflated entries (DecompressionStream 'deflate-raw'), every signature,
 * size and CRC checked. Only the names a SkyPanel export uses are read —
 * `skypanel-saved.json`, `index.html` and `media/<stem>.<ext>` (the core's rule: an ASCII
 * letters-and-digits stem of 1–128, an extension of 1–5) — other entries are ignored, and a
 * name that climbs out of the archive (`../`, `/x`, `C:`, `\`) makes the whole file refused.
 *
 * Errors are Errors named `InvalidInput` whose message says what is wrong and what to do.
 */

export const JSON_NAME = 'skypanel-saved.json';
export const INDEX_NAME = 'index.html';
/** The core's media file rule (crates/skypanel-core/src/library/media.rs, is_valid_file_name). */
export const MEDIA_NAME = /^media\/[A-Za-z0-9]{1,128}\.[A-Za-z0-9]{1,5}$/;

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const UTF8_FLAG = 0x0800;
const MAX_U32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

/** @param {string} message */
function invalid(message) {
  const error = new Error(message);
  error.name = 'InvalidInput';
  return error;
}

/** @param {string} why */
const damaged = (why) => invalid(`this .zip is damaged (${why}); export it again from SkyPanel`);

/** CRC-32 (IEEE 802.3, reflected, as ZIP uses it), one table built on first use. @type {Uint32Array | null} */
let table = null;

/**
 * @param {Uint8Array} bytes
 * @param {number} [crc] the CRC so far, to continue over several chunks
 */
export function crc32(bytes, crc = 0) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** A date as MS-DOS time and date (local time, 2 s steps, 1980–2107). @param {Date} d */
function dosTime(d) {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * @typedef {{name: string, data: Uint8Array | Blob | string}} ZipInput  a string is written as UTF-8
 */

/**
 * Writes a ZIP archive of stored entries. Blob data is read one entry at a time (for its
 * CRC) and then referenced, not copied, by the resulting Blob.
 * @param {ZipInput[]} entries
 * @param {{date?: Date, type?: string}} [options] the entries' modification time (default now)
 * @returns {Promise<Blob>}
 */
export async function writeZip(entries, options = {}) {
  if (entries.length > MAX_ENTRIES) throw invalid(`too many files for one .zip (${entries.length}; at most ${MAX_ENTRIES}): export a smaller selection`);
  const { time, date } = dosTime(options.date ?? new Date());
  const encoder = new TextEncoder();
  /** @type {BlobPart[]} */
  const parts = [];
  /** @type {Uint8Array[]} */
  const central = [];
  const seen = new Set();
  let offset = 0;
  for (const entry of entries) {
    if (seen.has(entry.name)) throw invalid(`two files named ${entry.name} in one .zip`);
    seen.add(entry.name);
    const name = encoder.encode(entry.name);
    if (name.length > 0xffff) throw invalid(`a file name is too long for a .zip: ${entry.name.slice(0, 60)}…`);
    const data = typeof entry.data === 'string' ? encoder.encode(entry.data) : entry.data;
    const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
    const size = bytes.length;
    const crc = crc32(bytes);
    if (offset + 30 + name.length + size > MAX_U32) throw tooBig();

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, UTF8_FLAG, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, size, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);

    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, CENTRAL, true);
    dv.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0 (so the attributes below mean rw-r--r--)
    dv.setUint16(6, 20, true);
    dv.setUint16(8, UTF8_FLAG, true);
    dv.setUint16(10, 0, true);
    dv.setUint16(12, time, true);
    dv.setUint16(14, date, true);
    dv.setUint32(16, crc, true);
    dv.setUint32(20, size, true);
    dv.setUint32(24, size, true);
    dv.setUint16(28, name.length, true);
    // extra, comment, disk number start, internal attributes: 0
    dv.setUint32(38, (0o100644 << 16) >>> 0, true);
    dv.setUint32(42, offset, true);
    dir.set(name, 46);

    parts.push(local, data instanceof Blob ? data : bytes);
    central.push(dir);
    offset += local.length + size;
  }
  const dirSize = central.reduce((n, d) => n + d.length, 0);
  if (offset + dirSize + 22 > MAX_U32) throw tooBig();
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, END, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end], { type: options.type ?? 'application/zip' });
}

function tooBig() {
  return invalid('the export is over 4 GB, more than a .zip without ZIP64 can hold: export a smaller selection (search, then export what it shows), or the JSON alone');
}

/**
 * @typedef {{name: string, method: number, flags: number, crc: number, compressedSize: number, size: number, offset: number}} CentralEntry
 */

/**
 * Reads the central directory, checking the end record and every header's signature.
 * @param {Uint8Array} bytes
 * @returns {{entries: CentralEntry[], dirOffset: number}}
 */
function directory(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw notZip();
  // The end record is the last 22 bytes plus a comment of up to 65,535 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END && i + 22 + view.getUint16(i + 20, true) === bytes.length) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    // A local header at the start but no end record: a zip cut short (an interrupted download).
    if (view.getUint32(0, true) === LOCAL) throw damaged('its end is missing: the file was cut short');
    throw notZip();
  }
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_END_LOCATOR) throw invalid('this .zip uses ZIP64 (over 4 GB), which SkyPanel does not read: import its skypanel-saved.json instead');
  const disk = view.getUint16(end + 4, true);
  const dirDisk = view.getUint16(end + 6, true);
  const onDisk = view.getUint16(end + 8, true);
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirOffset = view.getUint32(end + 16, true);
  if (disk !== 0 || dirDisk !== 0 || onDisk !== count) throw invalid('this .zip is split over several files, which SkyPanel does not read: join it into one archive first');
  if (dirOffset + dirSize > end) throw damaged('its table of contents points past its end');

  /** @type {CentralEntry[]} */
  const out = [];
  let at = dirOffset;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirOffset + dirSize || view.getUint32(at, true) !== CENTRAL) throw damaged(`entry ${i + 1} of its table of contents is not where it should be`);
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > dirOffset + dirSize) throw damaged(`entry ${i + 1} of its table of contents runs past it`);
    let name;
    try {
      name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    } catch {
      name = ''; // not UTF-8: not a name SkyPanel wrote; ignored below unless it escapes
    }
    const entry = {
      name,
      flags,
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
    };
    if (entry.compressedSize === MAX_U32 || entry.size === MAX_U32 || entry.offset === MAX_U32) throw invalid('this .zip uses ZIP64 (over 4 GB), which SkyPanel does not read: import its skypanel-saved.json instead');
    out.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { entries: out, dirOffset };
}

function notZip() {
  return invalid('this file is not a .zip archive (or it is badly damaged): choose a .zip or .json made by SkyPanel\'s export');
}

/** Whether a name points outside the folder it is unpacked into. @param {string} name */
export function escapes(name) {
  return name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0') || name.split('/').includes('..');
}

/**
 * The bytes of one entry, decompressed and checked against its size and CRC.
 * @param {Uint8Array} bytes the whole archive
 * @param {CentralEntry} entry
 * @param {number} dirOffset where the central directory starts (no entry may run into it)
 */
async function entryBytes(bytes, entry, dirOffset) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.offset;
  if (at + 30 > dirOffset || view.getUint32(at, true) !== LOCAL) throw damaged(`${entry.name} is not where its table of contents says`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const stop = start + entry.compressedSize;
  if (stop > dirOffset) throw damaged(`${entry.name} runs past the end of the files`);
  if (entry.flags & 0x0001) throw invalid(`${entry.name} in this .zip is encrypted, which SkyPanel does not read: make the archive without a password`);
  const raw = bytes.subarray(start, stop);
  /** @type {Uint8Array} */
  let data;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw damaged(`${entry.name} has two different sizes`);
    data = raw;
  } else if (entry.method === 8) {
    data = await inflate(raw, entry);
  } else {
    throw invalid(`${entry.name} in this .zip is compressed with method ${entry.method}, which SkyPanel does not read: make the archive with "store" or "deflate"`);
  }
  if (data.length !== entry.size) throw damaged(`${entry.name} is ${data.length} bytes, not the ${entry.size} its table of contents says`);
  if (crc32(data) !== entry.crc) throw damaged(`${entry.name} fails its checksum`);
  return data;
}

/**
 * Inflates a deflated entry, stopping as soon as it grows past its stated size (so a
 * "zip bomb" cannot fill the memory).
 * @param {Uint8Array} raw @param {CentralEntry} entry
 */
async function inflate(raw, entry) {
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const out = new Uint8Array(entry.size);
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.length > entry.size) {
        reader.cancel().catch(() => {});
        throw damaged(`${entry.name} unpacks to more than the ${entry.size} bytes its table of contents says`);
      }
      out.set(value, length);
      length += value.length;
    }
  } catch (err) {
    if (/** @type {Error} */ (err).name === 'InvalidInput') throw err;
    throw damaged(`${entry.name} cannot be unpacked: ${/** @type {Error} */ (err).message}`);
  }
  return out.subarray(0, length);
}

/**
 * Reads a SkyPanel export archive: its `skypanel-saved.json` (as text) and its media files.
 * Every entry kept is checked (signatures, sizes, CRC) before this resolves, so a caller
 * that writes nothing until then changes nothing for a damaged file.
 * @param {Uint8Array} bytes
 * @returns {Promise<{json: string, media: Map<string, Uint8Array>, ignored: string[]}>}
 */
export async function readExportZip(bytes) {
  const { entries, dirOffset } = directory(bytes);
  /** @type {Map<string, Uint8Array>} */
  const media = new Map();
  /** @type {string[]} */
  const ignored = [];
  /** @type {string | null} */
  let json = null;
  const seen = new Set();
  for (const entry of entries) {
    if (escapes(entry.name)) throw invalid(`this .zip holds a file named "${entry.name.slice(0, 80)}", which points outside the archive: it was not made by SkyPanel, and nothing was imported`);
    if (entry.name.endsWith('/')) continue; // a folder
    const wanted = entry.name === JSON_NAME || MEDIA_NAME.test(entry.name);
    if (!wanted) {
      if (entry.name !== INDEX_NAME) ignored.push(entry.name);
      continue;
    }
    if (seen.has(entry.name)) throw damaged(`it holds ${entry.name} twice`);
    seen.add(entry.name);
    const data = await entryBytes(bytes, entry, dirOffset);
    if (entry.name === JSON_NAME) {
      try {
        json = new TextDecoder('utf-8', { fatal: true }).decode(data);
      } catch {
        throw invalid(`${JSON_NAME} in this .zip is not UTF-8 text: it was not written by SkyPanel; export it again`);
      }
    } else {
      media.set(entry.name, data);
    }
  }
  if (json === null) throw invalid(`this .zip has no ${JSON_NAME}, so it is not a SkyPanel export: choose a .zip made by the library's "Export .zip", or a SkyPanel .json file`);
  return { json, media, ignored };
}
