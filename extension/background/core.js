// @ts-check
/**
 * The Rust core, as the background sees it: the wasm module's exports, speaking JSON text
 * across the boundary, wrapped so callers pass and get plain objects.
 */
import init, * as wasm from '../wasm/skypanel_wasm.js';

/** Resolves once the wasm is instantiated; await it before any other call. */
export const ready = init({ module_or_path: new URL('../wasm/skypanel_wasm_bg.wasm', import.meta.url) });

export const version = () => wasm.version();

/** @param {string[]} owners @returns {{account: string, start: number, len: number}[]} */
export const accountRuns = (owners) => JSON.parse(wasm.accountRuns(JSON.stringify(owners)));

/**
 * @param {{owner: string, repost?: boolean}[]} units
 * @param {{mode: 'runs' | 'bundle', threshold: number}} options
 * @returns {{account: string, units: number[], posts: number, reposts: number}[]}
 */
export const collapsePlan = (units, options) => JSON.parse(wasm.collapsePlan(JSON.stringify(units), JSON.stringify(options)));

/**
 * @param {object} config {plcUrl, appviewUrl, entrywayUrl}
 * @param {string} identifier
 * @param {string} password
 * @param {string} [service] the PDS, when the user gave one
 */
export const signIn = async (config, identifier, password, service) =>
  JSON.parse(await wasm.signIn(JSON.stringify(config), identifier, password, service));

/** @param {{service: string, session?: object}} ctx @param {object} op */
export const call = async (ctx, op) => JSON.parse(await wasm.call(JSON.stringify(ctx), JSON.stringify(op)));

/** @param {{service: string, session: object}} ctx @returns {Promise<object>} the new session */
export const refreshSession = async (ctx) => JSON.parse(await wasm.refreshSession(JSON.stringify(ctx)));

/** @param {{service: string, session?: object}} ctx */
export const signOut = (ctx) => wasm.signOut(JSON.stringify(ctx));

/** @param {string} json a feed page @returns {number} items parsed */
export const parseFeedPage = (json) => wasm.parseFeedPage(json);

/** @param {string} uri @returns {boolean} whether SkyPanel makes it a link (http(s) only) */
export const isSafeLink = (uri) => wasm.isSafeLink(uri);

/** The service URL, checked and normalised by the core's rule (throws InvalidInput). @param {string} url @returns {string} */
export const normalizeService = (url) => wasm.normalizeService(url);

/** @param {string} text @param {object[] | undefined} facets */
export const richText = (text, facets) => JSON.parse(wasm.richText(text, facets ? JSON.stringify(facets) : ''));

/** The PDS of an account (DID or handle), through its DID document. @param {object} config @param {string} identifier @returns {Promise<string>} */
export const findPds = (config, identifier) => wasm.findPds(JSON.stringify(config), identifier);
