// @ts-check
/**
 * The shared post renderer (extension/shared/post-view.js).
 *
 * Its rich-text cutting runs in JS (the offline page has no wasm), so the first test holds it
 * to the core's `richtext::segments`, run from the extension's own wasm build, on hostile and
 * ordinary facets. The rest draw post views in an extension page as the Feeds page does
 * (media from the view's https URLs) and check what is drawn and that stranger's content
 * stays inert. The library and offline pages' use of it is tested in library.test.mjs and
 * library-zip.test.mjs. No local network needed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { launch } from './harness.mjs';
import * as wasm from '../../extension/wasm/skypanel_wasm.js';
import { isSafeLink, segments } from '../../extension/shared/post-view.js';

wasm.initSync({ module: await readFile(new URL('../../extension/wasm/skypanel_wasm_bg.wasm', import.meta.url)) });

/** @param {number} start @param {number} end @param {object[]} features */
const facet = (start, end, ...features) => ({ index: { byteStart: start, byteEnd: end }, features });
const linkTo = (/** @type {string} */ uri) => ({ $type: 'app.bsky.richtext.facet#link', uri });
const mention = (/** @type {string} */ did) => ({ $type: 'app.bsky.richtext.facet#mention', did });
const tag = (/** @type {string} */ t) => ({ $type: 'app.bsky.richtext.facet#tag', tag: t });
/** Byte offset of `part` in `text`. @param {string} text @param {string} part */
const at = (text, part) => new TextEncoder().encode(text.slice(0, text.indexOf(part))).length;
const bytes = (/** @type {string} */ s) => new TextEncoder().encode(s).length;

test('rich text: the JS cut is the core\'s, facet for facet, on ordinary and hostile input', () => {
  const emoji = '👋 café see example.com now';
  const cjk = 'こんにちは @bob.test #日本';
  const hostile = '<script>globalThis.__pwned=1</script> click me and https://ok.example';
  /** @type {[string, object[]][]} */
  const cases = [
    ['plain text, no facets', []],
    [emoji, [facet(at(emoji, 'example'), at(emoji, 'example') + 11, linkTo('https://example.com'))]],
    [cjk, [facet(at(cjk, '#'), bytes(cjk), tag('日本')), facet(at(cjk, '@'), at(cjk, '@') + 9, mention('did:plc:bob'))]],
    // Out of range, empty, reversed, splitting a character, overlapping: left plain.
    ['héllo world', [facet(0, 100, linkTo('https://out.of/range')), facet(3, 3, tag('empty')), facet(5, 2, tag('reversed'))]],
    ['héllo world', [facet(3, 6, tag('split-after')), facet(0, 2, tag('split-in')), facet(7, 12, tag('fine'))]],
    ['👋 wave', [facet(0, 2, tag('half an emoji')), facet(5, 9, tag('wave'))]],
    ['héllo world', [facet(0, 5, tag('first')), facet(3, 9, tag('overlaps')), facet(7, 12, tag('after'))]],
    // Unsafe links stay text; the next known feature of the facet counts.
    [hostile, [facet(at(hostile, 'click'), at(hostile, 'click') + 8, linkTo('javascript:alert(1)')), facet(at(hostile, 'https'), bytes(hostile), linkTo('https://ok.example'))]],
    ['two features', [facet(0, 3, linkTo('JAVASCRIPT:x'), tag('second')), facet(4, 12, { $type: 'app.bsky.richtext.facet#future' }, mention('did:plc:x'))]],
    ['Mixed CASE scheme', [facet(0, 5, linkTo('HTTPS://EXAMPLE.COM')), facet(6, 10, linkTo(' http://spaced.example')), facet(11, 17, linkTo('data:text/html,x'))]],
    ['', [facet(0, 1, tag('nothing'))]],
    ['unsorted facets', [facet(9, 15, tag('b')), facet(0, 8, tag('a'))]],
  ];
  for (const [text, facets] of cases) {
    const core = JSON.parse(wasm.richText(text, JSON.stringify(facets)));
    assert.deepEqual(segments(text, facets), core, `${JSON.stringify(text)} with ${JSON.stringify(facets)}`);
    assert.equal(core.map((/** @type {any} */ s) => s.text).join(''), text, 'the runs are the text');
  }
  for (const uri of ['https://a', 'HTTP://a', '  https://a', 'javascript:x', 'data:x', 'ftp://a', '', 'http:/a', 'blob:https://a']) {
    assert.equal(isSafeLink(uri), wasm.isSafeLink(uri), uri);
  }
});

/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
before(async () => {
  browser = await launch({ replica: false });
  page = await browser.openExtensionPage('extension/popup/popup.html');
});
after(() => browser?.close());

const ALICE = { did: 'did:plc:alice', handle: 'alice.test', displayName: 'Alice <b>A</b>', avatar: 'https://cdn.example/avatar/alice@jpeg' };
const BOB = { did: 'did:plc:bob', handle: 'bob.test', displayName: '', avatar: 'javascript:alert(1)' };

/**
 * Draws `view` with the shared renderer in the extension page and returns what the page
 * shows. The options are JS source (they hold functions): the expression is evaluated by the
 * test's debugger connection, as the extension's CSP allows no eval in the page itself.
 * @param {any} view @param {string} [options]
 */
function draw(view, options = '{}') {
  return page.evaluate(`(async () => {
    const { renderPost } = await import(chrome.runtime.getURL('extension/shared/post-view.js'));
    const { avatar, body } = await renderPost(${JSON.stringify(view)}, ${options});
    const row = document.createElement('div');
    row.append(avatar, body);
    document.body.append(row);
    const card = body.querySelector('.card');
    return {
      avatar: avatar.getAttribute('src'),
      text: body.querySelector('.text')?.textContent ?? null,
      links: Array.from(body.querySelectorAll('a')).map((a) => ({ href: a.getAttribute('href'), rel: a.rel, target: a.target, text: a.textContent })),
      images: Array.from(body.querySelectorAll('img')).map((i) => ({ src: i.getAttribute('src'), alt: i.getAttribute('alt') })),
      videos: Array.from(body.querySelectorAll('video')).map((v) => v.getAttribute('src')),
      posters: Array.from(body.querySelectorAll('video')).map((v) => v.getAttribute('poster')),
      missing: Array.from(body.querySelectorAll('.missing')).map((m) => m.textContent),
      quote: body.querySelector('.quote')?.textContent ?? null,
      context: Array.from(body.querySelectorAll('.context')).map((c) => c.textContent),
      name: body.querySelector('.name')?.textContent ?? null,
      head: body.querySelector('.head')?.textContent ?? null,
      card: card ? { tag: card.tagName, text: card.textContent } : null,
      handlers: Array.from(row.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
      scripts: row.querySelectorAll('script').length,
    };
  })()`);
}

test('a post with images, drawn from the view\'s https URLs, with its context lines', async () => {
  const text = 'Look at #rockets with @bob.test';
  const view = {
    uri: 'at://did:plc:alice/app.bsky.feed.post/3abc',
    author: ALICE,
    record: { text, createdAt: '2025-02-09T08:00:00.000Z', facets: [facet(at(text, '#'), at(text, '#') + 8, tag('rockets')), facet(at(text, '@'), bytes(text), mention('did:plc:bob'))] },
    embed: {
      $type: 'app.bsky.embed.images#view',
      images: [
        { thumb: 'https://cdn.example/thumb/1@jpeg', fullsize: 'https://cdn.example/full/1@jpeg', alt: 'a rocket "onerror=x' },
        { thumb: 'javascript:alert(1)', fullsize: 'javascript:alert(2)', alt: 'bad' },
      ],
    },
  };
  const shown = await draw(view, `{context: {repostedBy: [${JSON.stringify(BOB)}, {handle: 'carla.test', displayName: 'Carla'}], replyTo: ${JSON.stringify(ALICE)}}}`);
  assert.equal(shown.name, 'Alice <b>A</b>', 'the display name is text');
  assert.equal(shown.text, text);
  assert.equal(shown.avatar, ALICE.avatar);
  assert.deepEqual(shown.images, [{ src: 'https://cdn.example/thumb/1@jpeg', alt: 'a rocket "onerror=x' }], 'the thumbnail of the safe image; the javascript: one is not drawn');
  assert.deepEqual(shown.missing, ['Image not available: bad']);
  assert.deepEqual(shown.context, ['⟲ Reposted by @bob.test, Carla', '↩ Reply to Alice <b>A</b>']);
  const hrefs = shown.links.map((l) => l.href);
  assert.deepEqual(hrefs, ['https://bsky.app/profile/bob.test', 'https://bsky.app/profile/carla.test', 'https://bsky.app/profile/alice.test', 'https://bsky.app/hashtag/rockets', 'https://bsky.app/profile/did:plc:bob']);
  for (const l of shown.links) assert.deepEqual([l.rel, l.target], ['noopener noreferrer', '_blank'], l.href ?? '');
  assert.deepEqual([shown.handlers, shown.scripts], [0, 0]);
});

test('a quote with media, a video without a playable source, and a javascript: link card stay inert', async () => {
  const quoteText = '<img src=x onerror="globalThis.__pwned=1">';
  const view = {
    uri: 'at://did:plc:bob/app.bsky.feed.post/3def',
    author: BOB,
    record: { text: 'quoting', createdAt: 'not a date' },
    embed: {
      $type: 'app.bsky.embed.recordWithMedia#view',
      media: { $type: 'app.bsky.embed.video#view', cid: 'bafy', playlist: 'https://video.example/watch/bafy/playlist.m3u8', thumbnail: 'https://video.example/watch/bafy/thumbnail.jpg', alt: 'a launch' },
      record: {
        $type: 'app.bsky.embed.record#view',
        record: {
          $type: 'app.bsky.embed.record#viewRecord',
          uri: 'at://did:plc:alice/app.bsky.feed.post/3ghi',
          author: ALICE,
          value: { text: quoteText },
          embeds: [{ $type: 'app.bsky.embed.external#view', external: { uri: 'javascript:alert(1)', title: '<b>card</b>', description: 'd', thumb: 'https://cdn.example/card@jpeg' } }],
        },
      },
    },
  };
  const shown = await draw(view);
  assert.equal(shown.avatar, null, 'the javascript: avatar is not used');
  assert.deepEqual(shown.videos, [], 'an HLS playlist is not a video source');
  assert.deepEqual(shown.missing, ['Video: open the post on Bluesky to play it']);
  assert.deepEqual(shown.images, [
    { src: 'https://video.example/watch/bafy/thumbnail.jpg', alt: 'a launch' },
    { src: 'https://cdn.example/card@jpeg', alt: '' },
  ], 'the video\'s poster and the card\'s thumbnail');
  assert.ok(shown.quote?.includes(quoteText), 'the quoted markup shows as text');
  assert.ok(shown.quote?.includes('@alice.test'));
  assert.deepEqual(shown.card, { tag: 'SPAN', text: '<b>card</b>d' }, 'a javascript: card is not a link');
  assert.deepEqual(shown.links, []);
  assert.deepEqual([shown.handlers, shown.scripts], [0, 0]);
  assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).__pwned ?? null), null);
});

test('the caller\'s media: its answers are used, refused when unsafe, and a failure shows the missing text', async () => {
  const view = {
    uri: 'at://did:plc:alice/app.bsky.feed.post/3jkl',
    author: ALICE,
    record: { text: 'three images and a video' },
    embed: {
      $type: 'app.bsky.embed.recordWithMedia#view',
      media: {
        $type: 'app.bsky.embed.images#view',
        images: ['one', 'two', 'three'].map((n) => ({ thumb: `https://cdn.example/t/${n}`, fullsize: `https://cdn.example/f/${n}`, alt: n })),
      },
      record: { record: { $type: 'app.bsky.embed.record#viewNotFound', uri: 'at://did:plc:x/app.bsky.feed.post/gone', notFound: true } },
    },
  };
  const options = `{
    media: async (ref) => {
      if (ref.kind === 'avatar') return 'media/avatar1.jpg';
      if (ref.alt === 'one') return 'blob:' + location.origin + '/1';
      if (ref.alt === 'two') return 'javascript:alert(1)';
      throw new Error('not backed up');
    },
    missing: (ref) => 'missing ' + ref.kind + ' ' + ref.alt + ' ' + ref.url,
    author: (a) => Object.assign(document.createElement('button'), {textContent: '@' + a.handle}),
    badges: [Object.assign(document.createElement('span'), {className: 'badge', textContent: 'deleted'})],
  }`;
  const shown = await draw(view, options);
  assert.equal(shown.avatar, 'media/avatar1.jpg', 'an archive file name is a source');
  assert.deepEqual(shown.images.map((i) => i.alt), ['one']);
  assert.match(shown.images[0].src ?? '', /^blob:chrome-extension:/);
  assert.deepEqual(shown.missing, ['missing image two https://cdn.example/f/two', 'missing image three https://cdn.example/f/three'], 'asked by the full-size address');
  assert.equal(shown.quote, 'The quoted post was deleted');
  assert.equal(shown.head, 'Alice <b>A</b>@alice.testdeleted', 'the caller\'s author element and badge on the head line');
});

test('a video the caller has a file for plays it, with its thumbnail as the poster, all drawn before the post is returned', async () => {
  const view = {
    uri: 'at://did:plc:alice/app.bsky.feed.post/3mno',
    author: { ...ALICE, avatar: undefined },
    record: { text: 'liftoff' },
    embed: { $type: 'app.bsky.embed.video#view', cid: 'bafy', playlist: 'https://video.example/p.m3u8', thumbnail: 'https://video.example/t.jpg', alt: 'liftoff' },
  };
  // Slow answers (as IndexedDB gives them): everything is in place when renderPost resolves.
  const options = `{ media: (ref) => new Promise((ok) => setTimeout(() => ok(ref.kind === 'video' ? 'blob:' + location.origin + '/v' : ref.url), 50)) }`;
  const shown = await draw(view, options);
  assert.equal(shown.videos.length, 1);
  assert.match(shown.videos[0] ?? '', /^blob:chrome-extension:/);
  assert.deepEqual(shown.posters, ['https://video.example/t.jpg']);
  assert.deepEqual([shown.missing, shown.images, shown.avatar], [[], [], null]);
});

test('anything malformed is skipped, never thrown', async () => {
  for (const view of [null, 42, {}, { author: 'x', record: 'y', embed: [] }, { record: { text: 5, facets: 'no' }, embed: { $type: 'app.bsky.embed.images#view', images: 'no' } }]) {
    const shown = await draw(view);
    assert.equal(shown.text, '', JSON.stringify(view));
    assert.deepEqual([shown.images, shown.links, shown.quote], [[], [], null]);
  }
  // (The made-up media addresses fail to load: that is logged, and is not the renderer's.)
  assert.deepEqual(browser.errors.filter((e) => !/Failed to load resource/.test(e)), [], 'nothing thrown or logged');
});
