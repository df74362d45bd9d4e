// @ts-check
/**
 * The one post renderer: draws a Bluesky post from its post view
 * (`app.bsky.feed.defs#postView`: author, record text and facets, embed views) for the
 * library page, the Feeds page and the offline `index.html` of a .zip export.
 *
 *   const { avatar, body } = await renderPost(postView, {
 *     media: (ref) => url | null,            // where each image, video, thumbnail, avatar comes from
 *     missing: (ref) => 'Image not backed up yet',
 *     context: { repostedBy: [profile], replyTo: profile },
 *     author: (profile) => node,             // the @handle (the library's filters by author)
 *     badges: [node],                        // after the date, on the head line
 *   });
 *
 * The caller places `avatar` and `body` in its own row and adds its own actions. Media are
 * resolved by the caller: the library from its backup (object URLs) else https, the Feeds
 * page from the view's https URLs (the default), the offline page from the archive's files.
 *
 * Rich text is cut here, in JS, by the same rule as the core's `richtext::segments`
 * (tests/e2e/post-view.test.mjs compares the two on hostile facets): the offline page has
 * no wasm, and the pages then need not load the protocol core to show a post.
 *
 * Everything drawn comes from strangers: nodes are built with createElement, textContent
 * and setAttribute only, links only for http(s) URLs (rel="noopener noreferrer"), media only
 * from https, blob: or the archive's `media/…` names, nothing is ever parsed as HTML.
 *
 * The whole renderer is the body of `postViewKit`, which uses nothing outside itself: the
 * offline page embeds its source text (`postViewKit.toString()`) at export time, so the
 * library, the Feeds page and the offline page run the same code.
 */

/**
 * A media file the post shows, as the caller's `media` function is asked for it.
 * `url` is the view's address of the file (full size for images, the HLS playlist for a
 * video), `thumb` a smaller rendition when the view has one; `owner` the DID of the post
 * that carries it (the author's, or the quoted post's author for a quote's media).
 * @typedef {{kind: 'avatar' | 'image' | 'video' | 'videoThumbnail' | 'linkThumbnail', url: string, thumb: string, owner: string, alt: string}} MediaRef
 */
/**
 * A run of text: plain, or a link (http(s) only), a mention (by DID) or a tag (without #).
 * @typedef {{text: string, kind: 'plain' | 'link' | 'mention' | 'tag', uri?: string, did?: string, tag?: string}} Segment
 */
/** @typedef {{did?: string, handle?: string, displayName?: string, avatar?: string}} Profile */
/**
 * @typedef {object} RenderOptions
 * @property {(ref: MediaRef) => Promise<string | null> | string | null} [media] the file's
 *   address, or null to show `missing` instead. Default: the view's https URLs (the smaller
 *   rendition when there is one); never a video (its playlist is HLS).
 * @property {(ref: MediaRef) => string} [missing] the text shown where a file has no
 *   address. Default: "Image not available", "Video: open the post on Bluesky to play it".
 * @property {{repostedBy?: Profile | Profile[] | null, replyTo?: Profile | null}} [context]
 *   lines above the post: who reposted it, whom it replies to.
 * @property {(author: Profile) => Node} [author] the element after the name. Default: a
 *   muted `@handle`.
 * @property {(Node | null | undefined | false)[]} [badges] appended to the head line.
 */

/**
 * Builds the renderer. Self-contained: it is embedded as source text in the offline page, so
 * it may use nothing from outside its body (no imports, no module-level names).
 */
export function postViewKit() {
  'use strict';
  /** Media names in an export archive and in the library (the core's rule). */
  const ARCHIVE_FILE = /^media\/[A-Za-z0-9]{1,128}\.[A-Za-z0-9]{1,5}$/;

  /** @param {unknown} v */
  const str = (v) => (typeof v === 'string' ? v : '');
  /** @param {unknown} v @returns {any} */
  const obj = (v) => (v && typeof v === 'object' ? v : {});

  /**
   * An element with attributes (set as values, never parsed) and children (nodes or text).
   * @param {string} tag
   * @param {Record<string, string>} [attrs]
   * @param {(Node | string | null | undefined | false)[]} [children]
   * @returns {HTMLElement}
   */
  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  }

  /**
   * Whether SkyPanel makes `uri` a link: http and https only (the core's `is_safe_link`).
   * @param {string} uri
   */
  const isSafeLink = (uri) => /^https?:\/\//i.test(str(uri).trimStart());

  /**
   * A link that opens in a new tab without referrer or opener, only for http(s) URLs;
   * anything else stays a span with the same children.
   * @param {string} href
   * @param {(Node | string | null | undefined | false)[]} children
   */
  function link(href, children) {
    if (!isSafeLink(href)) return el('span', {}, children);
    return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children);
  }

  /** A name as one path segment of a bsky.app address (a DID's colons stay readable). @param {string} part */
  const pathPart = (part) => encodeURIComponent(part).replace(/%3A/gi, ':');

  /**
   * A post's address on bsky.app from its at-uri, or '' when it is not a post's.
   * @param {string} uri
   */
  function bskyUrl(uri) {
    const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(str(uri));
    return m ? `https://bsky.app/profile/${pathPart(m[1])}/post/${pathPart(m[2])}` : '';
  }

  /** A profile's address on bsky.app (by handle, else DID), or ''. @param {Profile} who */
  function profileUrl(who) {
    const id = str(who.handle) && who.handle !== 'handle.invalid' ? str(who.handle) : str(who.did);
    return id ? `https://bsky.app/profile/${pathPart(id)}` : '';
  }

  /**
   * Cuts text into runs by its facets, which index it by UTF-8 byte offsets. Facets out of
   * range, empty, not on a character boundary, overlapping an earlier one, or of no known
   * kind leave their text plain; the runs, joined, are always exactly the text. The same
   * rule as the core's `richtext::segments`.
   * @param {string} text
   * @param {unknown} facets the record's `facets`
   * @returns {Segment[]}
   */
  function segments(text, facets) {
    const bytes = new TextEncoder().encode(text);
    const decode = (/** @type {number} */ a, /** @type {number} */ b) => new TextDecoder().decode(bytes.subarray(a, b));
    const boundary = (/** @type {number} */ i) => i === bytes.length || (bytes[i] & 0xc0) !== 0x80;
    /** @type {{start: number, end: number, kind: Segment}[]} */
    const marks = [];
    for (const f of Array.isArray(facets) ? facets : []) {
      const index = obj(obj(f).index);
      const start = index.byteStart;
      const end = index.byteEnd;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start >= end || end > bytes.length || !boundary(start) || !boundary(end)) continue;
      /** @type {Segment | null} */
      let kind = null;
      for (const feature of Array.isArray(obj(f).features) ? obj(f).features : []) {
        const type = str(obj(feature).$type);
        if (type === 'app.bsky.richtext.facet#link' && isSafeLink(feature.uri)) kind = { text: '', kind: 'link', uri: feature.uri };
        else if (type === 'app.bsky.richtext.facet#mention' && typeof feature.did === 'string') kind = { text: '', kind: 'mention', did: feature.did };
        else if (type === 'app.bsky.richtext.facet#tag' && typeof feature.tag === 'string') kind = { text: '', kind: 'tag', tag: feature.tag };
        if (kind) break; // the first feature of a known kind wins
      }
      if (kind) marks.push({ start, end, kind });
    }
    marks.sort((a, b) => a.start - b.start);
    /** @type {Segment[]} */
    const out = [];
    let at = 0;
    for (const m of marks) {
      if (m.start < at) continue; // overlaps the previous facet: the first one wins
      if (m.start > at) out.push({ text: decode(at, m.start), kind: 'plain' });
      out.push({ ...m.kind, text: decode(m.start, m.end) });
      at = m.end;
    }
    if (at < bytes.length) out.push({ text: decode(at, bytes.length), kind: 'plain' });
    return out;
  }

  /**
   * A record's text with its links, mentions and tags (mentions and tags open on bsky.app).
   * @param {any} record
   */
  function richText(record) {
    const out = el('div', { class: 'text' });
    for (const s of segments(str(obj(record).text), obj(record).facets)) {
      if (s.kind === 'link' && s.uri) out.append(link(s.uri, [s.text]));
      else if (s.kind === 'mention' && s.did) out.append(link(`https://bsky.app/profile/${pathPart(s.did)}`, [s.text]));
      else if (s.kind === 'tag' && s.tag) out.append(link(`https://bsky.app/hashtag/${encodeURIComponent(s.tag)}`, [s.text]));
      else out.append(s.text);
    }
    return out;
  }

  /** @param {unknown} iso @returns {string | null} the date in the reader's locale */
  function date(iso) {
    const d = new Date(str(iso));
    return str(iso) && !Number.isNaN(d.getTime()) ? d.toLocaleString() : null;
  }

  /** @param {unknown} url */
  const https = (url) => (str(url).startsWith('https://') ? str(url) : '');

  /** The default media: the view's https URLs, never a video's HLS playlist. @param {MediaRef} ref */
  const viewMedia = (ref) => (ref.kind === 'video' ? null : https(ref.thumb) || https(ref.url) || null);

  /** @param {MediaRef} ref */
  const defaultMissing = (ref) => (ref.kind === 'video' ? 'Video: open the post on Bluesky to play it' : ref.alt ? `Image not available: ${ref.alt}` : 'Image not available');

  /**
   * What may go in a src: https, blob: (object URLs of the backup) and archive file names;
   * anything else a resolver returns is refused.
   * @param {unknown} src
   */
  const safeSrc = (src) => typeof src === 'string' && (src.startsWith('https://') || src.startsWith('blob:') || ARCHIVE_FILE.test(src));

  /**
   * Draws one post.
   * @param {any} post the post view (only read; anything missing or malformed is skipped)
   * @param {RenderOptions} [options]
   * @returns {Promise<{avatar: HTMLElement, body: HTMLElement}>}
   */
  async function renderPost(post, options = {}) {
    const view = obj(post);
    const author = obj(view.author);
    const resolve = options.media ?? viewMedia;
    const missing = options.missing ?? defaultMissing;
    /** Every file asked for, so they are all resolved at once. @type {Promise<void>[]} */
    const pending = [];
    /** The caller's answer for a file, when it is a safe source. @param {MediaRef} ref @returns {Promise<string | null>} */
    const source = (ref) =>
      Promise.resolve()
        .then(() => resolve(ref))
        .then((src) => (safeSrc(src) ? /** @type {string} */ (src) : null), () => null);

    /**
     * A place for one file, filled once the caller's function answers.
     * @param {MediaRef} ref
     * @param {(src: string) => HTMLElement} found
     * @param {() => HTMLElement} [absent]
     */
    function slot(ref, found, absent = () => el('div', { class: 'missing' }, [missing(ref)])) {
      const place = el('span');
      // Replaced after this post's nodes are all built (the answer comes in a later
      // microtask at the earliest), so the place is in its parent by then.
      pending.push(source(ref).then((src) => place.replaceWith(src ? found(src) : absent())));
      return place;
    }

    /** @param {string} kind @param {any} v @param {string} owner @returns {MediaRef} */
    const ref = (kind, v, owner) => /** @type {MediaRef} */ ({ kind, url: '', thumb: '', alt: '', owner, ...v });

    /** @param {any} images an images#view's list @param {string} owner */
    function imageGrid(images, owner) {
      const list = (Array.isArray(images) ? images : []).map(obj).filter((i) => str(i.fullsize) || str(i.thumb));
      if (!list.length) return null;
      return el('div', { class: 'images' }, list.map((i) => {
        const r = ref('image', { url: str(i.fullsize) || str(i.thumb), thumb: str(i.thumb), alt: str(i.alt) }, owner);
        return slot(r, (src) => el('img', { src, alt: r.alt, loading: 'lazy' }));
      }));
    }

    /**
     * A video, with its thumbnail as the poster; without a source, the thumbnail and the
     * missing text. Both are asked for at once, before the post is returned.
     * @param {any} v a video#view @param {string} owner
     */
    function video(v, owner) {
      const r = ref('video', { url: str(v.playlist), thumb: str(v.thumbnail), alt: str(v.alt) }, owner);
      const poster = ref('videoThumbnail', { url: str(v.thumbnail), alt: str(v.alt) }, owner);
      const place = el('span');
      pending.push(
        Promise.all([source(r), poster.url ? source(poster) : null]).then(([src, still]) => {
          if (src) place.replaceWith(el('video', { src, controls: '', preload: 'metadata', ...(still ? { poster: still } : {}), ...(r.alt ? { 'aria-label': r.alt } : {}) }));
          else place.replaceWith(el('div', { class: 'missing' }, [still ? el('img', { src: still, alt: poster.alt, loading: 'lazy' }) : null, missing(r)]));
        }),
      );
      return place;
    }

    /** @param {any} card an external#view's `external` @param {string} owner */
    function linkCard(card, owner) {
      const uri = str(card.uri);
      const thumb = ref('linkThumbnail', { url: str(card.thumb) }, owner);
      const node = link(uri, [
        thumb.url ? slot(thumb, (src) => el('img', { src, alt: '', loading: 'lazy' }), () => el('span')) : null,
        el('strong', {}, [str(card.title)]),
        el('div', { class: 'muted' }, [str(card.description) || uri]),
      ]);
      node.classList.add('card');
      return node;
    }

    /**
     * An embed view's media: images, a video, a link card (and a recordWithMedia's media).
     * @param {any} embed @param {string} owner
     * @returns {(HTMLElement | null)[]}
     */
    function media(embed, owner) {
      const type = str(obj(embed).$type);
      if (type === 'app.bsky.embed.images#view') return [imageGrid(embed.images, owner)];
      if (type === 'app.bsky.embed.video#view') return [video(embed, owner)];
      if (type === 'app.bsky.embed.external#view' && str(obj(embed.external).uri)) return [linkCard(embed.external, owner)];
      if (type === 'app.bsky.embed.recordWithMedia#view') return media(embed.media, owner);
      return [];
    }

    /**
     * A quoted record (`record#view`'s `record`): a post with its text and media, or a line
     * saying why it cannot be shown.
     * @param {any} quoted
     */
    function quote(quoted) {
      const q = obj(quoted);
      const type = str(q.$type);
      if (type === 'app.bsky.embed.record#viewRecord') {
        const by = obj(q.author);
        const embeds = Array.isArray(q.embeds) ? q.embeds : [];
        const nested = embeds.some((e) => /^app\.bsky\.embed\.record(WithMedia)?#view$/.test(str(obj(e).$type)));
        const open = bskyUrl(str(q.uri));
        return el('div', { class: 'quote' }, [
          el('div', { class: 'head' }, [
            el('span', { class: 'name' }, [str(by.displayName) || str(by.handle)]),
            el('span', { class: 'muted' }, [`@${str(by.handle)}`]),
          ]),
          richText(q.value),
          ...embeds.flatMap((e) => media(e, str(by.did))),
          nested && open ? el('div', { class: 'muted' }, [link(open, ['It quotes another post: open on Bluesky'])]) : null,
        ]);
      }
      /** @type {Record<string, string>} */
      const why = {
        'app.bsky.embed.record#viewNotFound': 'The quoted post was deleted',
        'app.bsky.embed.record#viewBlocked': 'The quoted post is from an account blocked here',
        'app.bsky.embed.record#viewDetached': 'The quoted post was detached by its author',
        'app.bsky.feed.defs#generatorView': `Quoted feed: ${str(q.displayName)}`,
        'app.bsky.graph.defs#listView': `Quoted list: ${str(q.name)}`,
        'app.bsky.graph.defs#starterPackViewBasic': `Quoted starter pack: ${str(obj(q.record).name)}`,
      };
      return why[type] ? el('div', { class: 'quote muted' }, [why[type]]) : null;
    }

    /** @param {Profile} who */
    const named = (who) => {
      const url = profileUrl(who);
      const name = str(who.displayName) || `@${str(who.handle)}`;
      return url ? link(url, [name]) : name;
    };
    const context = obj(options.context);
    const reposters = (Array.isArray(context.repostedBy) ? context.repostedBy : context.repostedBy ? [context.repostedBy] : []).map(obj);
    const replyTo = context.replyTo ? obj(context.replyTo) : null;
    const lines = [
      reposters.length ? el('div', { class: 'context muted' }, ['⟲ Reposted by ', ...reposters.flatMap((r, i) => (i ? [', ', named(r)] : [named(r)]))]) : null,
      replyTo ? el('div', { class: 'context muted' }, ['↩ Reply to ', named(replyTo)]) : null,
    ];

    const avatarRef = ref('avatar', { url: str(author.avatar) }, str(author.did));
    const avatarSrc = avatarRef.url ? source(avatarRef) : Promise.resolve(null);
    const created = date(obj(view.record).createdAt);
    const head = el('div', { class: 'head' }, [
      el('span', { class: 'name' }, [str(author.displayName) || str(author.handle)]),
      options.author ? options.author(author) : el('span', { class: 'muted' }, [`@${str(author.handle)}`]),
      created ? el('span', { class: 'muted' }, [created]) : null,
      ...(options.badges ?? []),
    ]);
    const embed = obj(view.embed);
    const embedType = str(embed.$type);
    const body = el('div', {}, [
      ...lines,
      head,
      richText(view.record),
      ...media(embed, str(author.did)),
      embedType === 'app.bsky.embed.record#view' ? quote(embed.record) : null,
      embedType === 'app.bsky.embed.recordWithMedia#view' ? quote(obj(embed.record).record) : null,
    ]);
    const [src] = await Promise.all([avatarSrc, ...pending]);
    const avatar = src ? el('img', { class: 'avatar', src, alt: '' }) : el('div', { class: 'avatar' });
    return { avatar, body };
  }

  return { el, link, isSafeLink, bskyUrl, segments, renderPost };
}

const kit = postViewKit();
/** {@link postViewKit}'s `el`: an element with attributes and children, never parsed as HTML. */
export const el = kit.el;
/** {@link postViewKit}'s `link`: an http(s) link opening in a new tab, else a span. */
export const link = kit.link;
/** Whether a URL may become a link (http and https only). */
export const isSafeLink = kit.isSafeLink;
/** A post's bsky.app address from its at-uri, or ''. */
export const bskyUrl = kit.bskyUrl;
/** Text cut into runs by its facets, the core's rule. */
export const segments = kit.segments;
/** Draws one post from its post view: `{avatar, body}`. */
export const renderPost = kit.renderPost;
