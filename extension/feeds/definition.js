// @ts-check
/**
 * The `skypanel.feed` format as the Feeds page edits it (the reference is docs/feeds.md; the
 * core checks and runs it): the fields of each source and filter kind, new ones' starting
 * values, their default labels, the starters, and a file name for an export. Definitions are
 * plain JSON objects here; fields and kinds this page does not know are kept as they are.
 */

export const FORMAT = 'skypanel.feed';
export const VERSION = 1;

/**
 * A field of a source or filter, as the editor shows it.
 * @typedef {{key: string, label: string, type: 'text' | 'number' | 'bool' | 'list' | 'multi' | 'select',
 *   placeholder?: string, default?: any, options?: string[], step?: string, min?: string, hint?: string}} Field
 */

/** @type {Field} */
const LABEL = { key: 'label', label: 'Label', type: 'text', placeholder: 'shown on the posts it brings' };

/** Sources: what each kind is called and its fields. @type {Record<string, {title: string, fields: Field[], make: () => any}>} */
export const SOURCES = {
  timeline: { title: 'Home timeline', fields: [LABEL], make: () => ({ kind: 'timeline' }) },
  author: {
    title: 'Person',
    fields: [
      { key: 'actor', label: 'Handle or DID', type: 'text', placeholder: 'someone.bsky.social' },
      { key: 'replies', label: 'with replies', type: 'bool', default: true },
      { key: 'reposts', label: 'with reposts', type: 'bool', default: true },
      LABEL,
    ],
    make: () => ({ kind: 'author', actor: '' }),
  },
  list: { title: "List's feed", fields: [{ key: 'uri', label: 'List link or at-uri', type: 'text', placeholder: 'https://bsky.app/profile/…/lists/…' }, LABEL], make: () => ({ kind: 'list', uri: '' }) },
  listMembers: { title: "List's members", fields: [{ key: 'uri', label: 'List link or at-uri', type: 'text', placeholder: 'https://bsky.app/profile/…/lists/…' }, LABEL], make: () => ({ kind: 'listMembers', uri: '' }) },
  feed: { title: 'Custom feed', fields: [{ key: 'uri', label: 'Feed link or at-uri', type: 'text', placeholder: 'https://bsky.app/profile/…/feed/…' }, LABEL], make: () => ({ kind: 'feed', uri: '' }) },
  search: {
    title: 'Search',
    fields: [
      { key: 'q', label: 'Words', type: 'text' },
      { key: 'sort', label: 'Order', type: 'select', options: ['', 'latest', 'top'] },
      { key: 'lang', label: 'Language', type: 'text', placeholder: 'en' },
      { key: 'since', label: 'Since', type: 'text', placeholder: '2026-01-31 or an RFC 3339 time' },
      { key: 'until', label: 'Until', type: 'text' },
      { key: 'author', label: 'By', type: 'text', placeholder: 'handle or DID' },
      { key: 'mentions', label: 'Mentioning', type: 'text', placeholder: 'handle or DID' },
      { key: 'domain', label: 'Linking to domain', type: 'text' },
      { key: 'url', label: 'Linking to URL', type: 'text' },
      { key: 'tags', label: 'Tags', type: 'list', placeholder: 'comma-separated, without #' },
      LABEL,
    ],
    make: () => ({ kind: 'search', q: '' }),
  },
  saved: { title: 'My saved posts', fields: [LABEL], make: () => ({ kind: 'saved' }) },
  mutuals: { title: 'Mutuals', fields: [LABEL], make: () => ({ kind: 'mutuals' }) },
  quiet: {
    title: 'Quiet posters',
    fields: [
      { key: 'days', label: 'Over the last … days', type: 'number', default: 30, min: '1' },
      { key: 'maxPerDay', label: 'At most … posts a day', type: 'number', default: 0.5, step: '0.1', min: '0' },
      LABEL,
    ],
    make: () => ({ kind: 'quiet' }),
  },
};

/** Filters: what each kind is called and its fields. @type {Record<string, {title: string, fields: Field[], make: () => any}>} */
export const FILTERS = {
  text: {
    title: 'Words',
    fields: [
      { key: 'any', label: 'Any of', type: 'list', placeholder: 'comma-separated words or phrases' },
      { key: 'all', label: 'All of', type: 'list', placeholder: 'comma-separated' },
      { key: 'regex', label: 'Regular expression', type: 'text', placeholder: 'T-minus \\d+' },
      { key: 'exclude', label: 'hide the posts that match instead', type: 'bool', default: false },
      { key: 'caseSensitive', label: 'match case', type: 'bool', default: false },
      { key: 'in', label: 'Look in', type: 'multi', options: ['text', 'alt', 'link'], default: ['text', 'alt', 'link'] },
    ],
    make: () => ({ kind: 'text', any: [] }),
  },
  media: { title: 'Media', fields: [{ key: 'has', label: 'Has', type: 'multi', options: ['images', 'video', 'link', 'quote', 'none'] }], make: () => ({ kind: 'media', has: ['images'] }) },
  lang: {
    title: 'Language',
    fields: [
      { key: 'in', label: 'Languages', type: 'list', placeholder: 'en, de' },
      { key: 'keepUnknown', label: 'keep posts with no language', type: 'bool', default: true },
    ],
    make: () => ({ kind: 'lang', in: ['en'] }),
  },
  replies: {
    title: 'Replies',
    fields: [
      { key: 'keep', label: 'keep replies', type: 'bool', default: false },
      { key: 'onlyFollowing', label: 'only replies to people I follow', type: 'bool', default: false },
    ],
    make: () => ({ kind: 'replies', keep: false }),
  },
  reposts: {
    title: 'Reposts',
    fields: [
      { key: 'keep', label: 'keep reposts', type: 'bool', default: false },
      { key: 'from', label: 'Only hide reposts by', type: 'list', placeholder: 'handles, comma-separated (empty: everyone)' },
    ],
    make: () => ({ kind: 'reposts', keep: false }),
  },
  quotes: { title: 'Quote posts', fields: [{ key: 'keep', label: 'keep quote posts', type: 'bool', default: false }], make: () => ({ kind: 'quotes', keep: false }) },
  min: {
    title: 'At least',
    fields: [
      { key: 'likes', label: 'Likes', type: 'number', min: '0' },
      { key: 'reposts', label: 'Reposts', type: 'number', min: '0' },
      { key: 'replies', label: 'Replies', type: 'number', min: '0' },
    ],
    make: () => ({ kind: 'min', likes: 5 }),
  },
  since: { title: 'Time window', fields: [{ key: 'hours', label: 'Last … hours', type: 'number', min: '0', step: '0.5' }], make: () => ({ kind: 'since', hours: 24 }) },
  exclude: {
    title: 'Exclude accounts',
    fields: [
      { key: 'actors', label: 'Accounts', type: 'list', placeholder: 'handles or DIDs, comma-separated' },
      { key: 'list', label: "A list's members", type: 'text', placeholder: 'list link or at-uri' },
    ],
    make: () => ({ kind: 'exclude', actors: [] }),
  },
  mutedWords: { title: 'My muted words', fields: [], make: () => ({ kind: 'mutedWords' }) },
};

export const SORTS = ['newest', 'oldest', 'top', 'hot'];

/** An empty feed. @param {string} [name] */
export function blank(name = 'New feed') {
  return { format: FORMAT, version: VERSION, name, sources: [{ kind: 'timeline' }], filters: [], sort: 'newest', dedupe: true, perAuthor: null, collapse: null };
}

/**
 * The starters a new feed can begin from. "Top of my lists today" starts with one empty list
 * source for the user to fill in (SkyPanel cannot guess which lists).
 * @returns {{title: string, definition: any}[]}
 */
export function starters() {
  const make = (/** @type {string} */ name, /** @type {object} */ rest) => ({ ...blank(name), ...rest });
  return [
    { title: 'Mutuals', definition: make('Mutuals', { sources: [{ kind: 'mutuals' }] }) },
    { title: 'Quiet posters', definition: make('Quiet posters', { sources: [{ kind: 'quiet' }] }) },
    { title: 'Following without reposts', definition: make('Following without reposts', { sources: [{ kind: 'timeline' }], filters: [{ kind: 'reposts', keep: false }] }) },
    {
      title: 'Top of my lists today',
      definition: make('Top of my lists today', { sources: [{ kind: 'list', uri: '' }], filters: [{ kind: 'since', hours: 24 }], sort: 'top' }),
    },
  ];
}

/**
 * How a source is named on the posts it brought: its own label, else one from its kind.
 * @param {any} source
 */
export function sourceLabel(source) {
  if (typeof source?.label === 'string' && source.label.trim()) return source.label.trim();
  switch (source?.kind) {
    case 'timeline': return 'timeline';
    case 'author': return `@${String(source.actor ?? '').replace(/^@/, '')}`;
    case 'list': return 'list';
    case 'listMembers': return 'list members';
    case 'feed': return 'feed';
    case 'search': return `search “${String(source.q ?? '')}”`;
    case 'saved': return 'saved posts';
    case 'mutuals': return 'mutuals';
    case 'quiet': return 'quiet posters';
    default: return String(source?.kind ?? 'source');
  }
}

/** A file name for an exported feed: `<name>.skypanel-feed.json`. @param {any} definition */
export function fileName(definition) {
  const name = String(definition?.name ?? 'feed').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'feed';
  return `${name}.skypanel-feed.json`;
}

/** The text of an exported feed (what Copy as text copies too). @param {any} definition */
export const toText = (definition) => `${JSON.stringify(definition, null, 2)}\n`;
