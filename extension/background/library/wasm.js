// @ts-check
/**
 * The saved-post library's Rust core (crates/skypanel-library-wasm), as the background and
 * the library page see it: JSON text across the boundary, plain objects on this side.
 * Entries travel as JSON *text* (`entry`) so the post JSON inside them stays byte for byte
 * what the server sent; never re-serialise one.
 */
import init, * as wasm from '../../wasm/skypanel_library_wasm.js';

/** @type {Promise<unknown> | null} */
let loading = null;
/**
 * Instantiates the wasm on first use (a worker that never touches the library never pays
 * for it); await it before any other call.
 */
export const load = () => (loading ??= init({ module_or_path: new URL('../../wasm/skypanel_library_wasm_bg.wasm', import.meta.url) }));

/**
 * @typedef {{uri: string, entry: string, index: object, media: any[], outcome?: 'added' | 'merged' | 'skipped'}} Item
 */

/** @param {string} post a post view's JSON text @param {number} savedAt @returns {Item} */
export const entry = (post, savedAt) => JSON.parse(wasm.libraryEntry(post, savedAt));
/** @param {string} entryText @returns {Item} */
export const item = (entryText) => JSON.parse(wasm.libraryItem(entryText));
/** @param {string} entryText @param {string} file @param {object} state @returns {string} the entry's new text */
export const mediaState = (entryText, file, state) => wasm.libraryMediaState(entryText, file, JSON.stringify(state));
/** @param {string} entryText @param {'live' | 'deleted' | 'blocked' | 'unknown'} state @param {number} at @returns {string} */
export const markChecked = (entryText, state, at) => wasm.libraryMarkChecked(entryText, state, at);
/**
 * Replaces tags and/or the note of an entry (tags normalised by the core, the note trimmed).
 * @param {string} entryText @param {{tags?: string[], note?: string}} changes @returns {Item}
 */
export const edit = (entryText, changes) => JSON.parse(wasm.libraryEdit(entryText, JSON.stringify(changes)));
/** Tags in use (lowercase), most used first. @returns {{tag: string, count: number}[]} */
export const tags = () => JSON.parse(wasm.libraryTags());
/** @param {object[]} records */
export const indexLoad = (records) => wasm.libraryIndexLoad(JSON.stringify(records));
/** @param {object} record */
export const indexUpsert = (record) => wasm.libraryIndexUpsert(JSON.stringify(record));
/** @param {string} uri @returns {boolean} */
export const indexRemove = (uri) => wasm.libraryIndexRemove(uri);
/** @returns {number} */
export const indexSize = () => wasm.libraryIndexSize();
/** @param {object} query @returns {{total: number, uris: string[]}} */
export const search = (query) => JSON.parse(wasm.librarySearch(JSON.stringify(query)));
/** @param {string[]} entries @param {number} exportedAt @returns {string} a skypanel.saved file */
export const exportJson = (entries, exportedAt) => wasm.libraryExport(JSON.stringify(entries), exportedAt);
/** @param {string[]} entries @param {'markdown' | 'csv'} kind @returns {string} */
export const exportAs = (entries, kind) => wasm.libraryExportAs(JSON.stringify(entries), kind);
/** @param {string} text a skypanel.saved file @returns {{posts: Item[]}} */
export const readExport = (text) => JSON.parse(wasm.libraryReadExport(text));
/** @param {string} existing @param {string} incoming entry texts @returns {Item} */
export const merge = (existing, incoming) => JSON.parse(wasm.libraryMerge(existing, incoming));
