// @ts-check
/**
 * The seeded world every SkyPanel test shares: realistic accounts and a home timeline for
 * the viewer (alice.test) with the patterns SkyPanel exists for — a flood of 12 posts from
 * one account, 8 reposts in a row from another, thread slices, quotes, images, link cards,
 * and rich text whose facets need UTF-8 byte offsets (emoji, accents, CJK).
 *
 * Records carry explicit, increasing `createdAt` times one minute apart, so the timeline's
 * order is known in advance and does not depend on how fast the seed runs.
 */
import { createHash, createHmac } from 'node:crypto';
import { AtpAgent } from '@atproto/api';
import { makePng } from './png.mjs';

const sha256 = (/** @type {Buffer} */ bytes) => createHash('sha256').update(bytes).digest('hex');
const b64url = (/** @type {string | Buffer} */ s) => Buffer.from(s).toString('base64url');

/**
 * An access token for `did` that the PDS will recognise but that expired a minute ago:
 * signed like the PDS signs its own (HS256 with its JWT secret), so tests can make the
 * client meet a real `ExpiredToken` and refresh.
 * @param {import('@atproto/dev-env').TestNetwork} network
 * @param {string} did
 */
function expiredAccessToken(network, did) {
  const key = /** @type {Buffer} */ (network.pds.jwtSecretKey().export());
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ typ: 'at+jwt', alg: 'HS256' }));
  const payload = b64url(JSON.stringify({ scope: 'com.atproto.access', aud: network.pds.ctx.cfg.service.did, sub: did, iat: now - 7200, exp: now - 60 }));
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export const PASSWORD = 'skypanel-test-password';

/** The accounts: short name → profile. alice.test is the viewer. */
export const ACCOUNTS = {
  alice: { displayName: 'Alice Viewer', description: 'The account the tests sign in as.', colors: [[16, 131, 254], [255, 255, 255]] },
  bob: { displayName: 'Bob Builder', description: 'Builds things. Links a lot.', colors: [[255, 140, 0], [40, 40, 40]] },
  carla: { displayName: 'Carla Núñez', description: 'Fotografía y café ☕', colors: [[200, 30, 90], [250, 220, 230]] },
  dan: { displayName: 'Dan 🚀', description: 'Rockets, mostly.', colors: [[20, 160, 80], [230, 255, 230]] },
  eve: { displayName: 'Eve', description: 'Starts threads.', colors: [[120, 60, 200], [240, 230, 255]] },
  frank: { displayName: 'Frank', description: 'Replies to threads.', colors: [[90, 90, 90], [200, 200, 200]] },
  grace: { displayName: 'Grace 優雅', description: 'Posts in bursts. 連投します。', colors: [[0, 150, 160], [220, 250, 250]] },
  heidi: { displayName: 'Heidi', description: 'Reposts everything good.', colors: [[220, 180, 0], [60, 40, 0]] },
  ivan: { displayName: 'Ivan', description: 'Alice does not follow Ivan.', colors: [[160, 40, 40], [255, 235, 235]] },
  // Hostile content for the library's safety tests: markup and script everywhere a stranger
  // can put text. Nobody follows mallory, so the timelines the other tests read are unchanged.
  // (Display names are at most 64 graphemes.)
  mallory: { displayName: '<img src=x onerror="globalThis.__pwned=1">Mallory', description: '<script>globalThis.__pwned=1</script>', colors: [[0, 0, 0], [255, 0, 0]] },
  // On-the-fly feeds (see seedFeeds): nobody alice follows, so her home timeline is unchanged.
  nora: { displayName: 'Nora', description: 'Posts in three languages.', colors: [[30, 90, 160], [250, 250, 210]] },
  mutey: { displayName: 'Mutey', description: 'Alice muted me.', colors: [[120, 120, 160], [230, 230, 250]] },
  blocky: { displayName: 'Blocky', description: 'Alice blocked me.', colors: [[60, 60, 60], [255, 200, 200]] },
  quinn: { displayName: 'Quinn', description: 'Posts now and then.', colors: [[180, 120, 60], [250, 240, 230]] },
  basil: { displayName: 'Basil', description: 'Posts every few hours.', colors: [[40, 140, 120], [220, 250, 240]] },
  vera: { displayName: 'Vera', description: 'A second viewer: follows quinn and basil.', colors: [[150, 40, 120], [250, 230, 245]] },
};

/** What the hostile posts try to run: tests check that `globalThis.__pwned` stays unset. */
export const HOSTILE = 'globalThis.__pwned=1';

/** The viewer follows everyone but ivan. */
const FOLLOWED = ['bob', 'carla', 'dan', 'eve', 'frank', 'grace', 'heidi'];

/**
 * Builds post text and facets from parts; byte offsets are UTF-8, as the lexicon requires.
 * @param {Array<string | {link: string, text?: string} | {mention: string, did: string} | {tag: string}>} parts
 */
export function richText(parts) {
  let text = '';
  const facets = [];
  for (const part of parts) {
    const start = Buffer.byteLength(text, 'utf8');
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    let shown;
    let feature;
    if ('link' in part) {
      shown = part.text ?? part.link;
      feature = { $type: 'app.bsky.richtext.facet#link', uri: part.link };
    } else if ('mention' in part) {
      shown = `@${part.mention}`;
      feature = { $type: 'app.bsky.richtext.facet#mention', did: part.did };
    } else {
      shown = `#${part.tag}`;
      feature = { $type: 'app.bsky.richtext.facet#tag', tag: part.tag };
    }
    text += shown;
    facets.push({ index: { byteStart: start, byteEnd: start + Buffer.byteLength(shown, 'utf8') }, features: [feature] });
  }
  return { text, facets };
}

/**
 * Seeds the network and returns what tests need to know about it.
 * @param {import('@atproto/dev-env').TestNetwork} network
 */
export async function seed(network) {
  const pdsUrl = network.pds.url;
  let clock = Date.now() - 6 * 60 * 60 * 1000;
  const nextTime = () => new Date((clock += 60_000)).toISOString();

  /** @type {Record<string, {did: string, handle: string, displayName: string, agent: AtpAgent}>} */
  const users = {};
  for (const [name, profile] of Object.entries(ACCOUNTS)) {
    const agent = new AtpAgent({ service: pdsUrl });
    const handle = `${name}.test`;
    await agent.createAccount({ handle, email: `${name}@skypanel.test`, password: PASSWORD });
    const avatar = await agent.uploadBlob(makePng(96, 96, /** @type {any} */ (profile.colors[0]), /** @type {any} */ (profile.colors[1])), { encoding: 'image/png' });
    await agent.com.atproto.repo.putRecord({
      repo: agent.session?.did ?? '',
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: { $type: 'app.bsky.actor.profile', displayName: profile.displayName, description: profile.description, avatar: avatar.data.blob },
    });
    users[name] = { did: agent.session?.did ?? '', handle, displayName: profile.displayName, agent };
  }

  const alice = users.alice;
  for (const name of FOLLOWED) {
    await alice.agent.app.bsky.graph.follow.create({ repo: alice.did }, { subject: users[name].did, createdAt: nextTime() });
  }

  /** @typedef {{uri: string, cid: string}} Ref */
  /** @type {Array<{kind: 'post' | 'repost', by: string, uri: string}>} */
  const log = [];

  /**
   * @param {string} name
   * @param {{text: string, facets?: any[]}} content
   * @param {{embed?: any, reply?: {root: Ref, parent: Ref}, langs?: string[], labels?: any}} [extra]
   * @returns {Promise<Ref>}
   */
  async function post(name, content, extra = {}) {
    const u = users[name];
    const record = { $type: 'app.bsky.feed.post', text: content.text, createdAt: nextTime(), ...extra };
    if (content.facets?.length) record.facets = content.facets;
    const res = await u.agent.app.bsky.feed.post.create({ repo: u.did }, record);
    log.push({ kind: 'post', by: name, uri: res.uri });
    return { uri: res.uri, cid: res.cid };
  }

  /** @param {string} name @param {Ref} subject */
  async function repost(name, subject) {
    const u = users[name];
    await u.agent.app.bsky.feed.repost.create({ repo: u.did }, { subject, createdAt: nextTime() });
    log.push({ kind: 'repost', by: name, uri: subject.uri });
  }

  /** Every media blob uploaded for a post, so tests can compare what they fetch back. */
  const media = [];
  /** @param {string} name @param {Buffer} bytes @param {string} mimeType */
  async function upload(name, bytes, mimeType) {
    const blob = await users[name].agent.uploadBlob(bytes, { encoding: mimeType });
    media.push({ did: users[name].did, cid: blob.data.blob.ref.toString(), mimeType, size: bytes.length, sha256: sha256(bytes) });
    return blob.data.blob;
  }

  /** @param {string} name @param {Buffer} png @param {string} alt */
  async function image(name, png, alt) {
    return { alt, image: await upload(name, png, 'image/png'), aspectRatio: { width: 4, height: 3 } };
  }

  // Older posts by accounts alice does not follow, to be reposted later.
  const ivanPosts = [];
  for (let i = 1; i <= 4; i++) ivanPosts.push(await post('ivan', { text: `Ivan's note ${i}: nobody here follows me yet.` }));

  await post('alice', { text: 'Trying SkyPanel today.' });
  const bobHello = await post('bob', richText([
    'Hello Bluesky 👋 read ', { link: 'https://example.com/skypanel?ref=bsky', text: 'example.com/skypanel' },
    ' with ', { mention: 'carla.test', did: users.carla.did }, ' ', { tag: 'skypanel' },
  ]));
  const carlaPhoto = await post('carla', richText(['Café con leche ☕ — mañana en la playa ', { tag: 'fotografía' }]), {
    embed: { $type: 'app.bsky.embed.images', images: [await image('carla', makePng(320, 240, [230, 170, 90], [250, 240, 220]), 'A cup of coffee on a beach table')] },
    langs: ['es'],
  });
  const thumb = await upload('dan', makePng(160, 90, [20, 160, 80], [0, 0, 0]), 'image/png');
  const danLink = await post('dan', { text: 'Launch window opens tomorrow 🚀🚀' }, {
    embed: {
      $type: 'app.bsky.embed.external',
      external: { uri: 'https://example.org/launch', title: 'Launch schedule', description: 'Everything about tomorrow\'s launch.', thumb },
    },
  });

  // A video post. The reference network has no video service, so the blob is a minimal MP4
  // container (not playable); the AppView still answers with a video#view, and the PDS
  // serves the original bytes through com.atproto.sync.getBlob.
  const mp4 = Buffer.concat([
    Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2'),
    Buffer.from([0, 0, 0, 8]), Buffer.from('mdat'),
  ]);
  const video = await upload('dan', mp4, 'video/mp4');
  await post('dan', { text: 'Static fire test, 2 seconds of it 🔥' }, {
    embed: { $type: 'app.bsky.embed.video', video, alt: 'Engine static fire', aspectRatio: { width: 16, height: 9 } },
  });

  // A thread: eve's root, frank's reply, eve's answer — slices in alice's timeline.
  const eveRoot = await post('eve', { text: 'Thread: what should a Bluesky client fold away? 🧵' });
  const frankReply = await post('frank', { text: 'Floods of reposts from one account, for a start.' }, { reply: { root: eveRoot, parent: eveRoot } });
  await post('eve', { text: 'Agreed — and long runs of posts from one person.' }, { reply: { root: eveRoot, parent: frankReply } });

  // The flood: grace posts 12 times in a row.
  const graceTexts = ['おはよう ☀️', 'Coffee first.', '連投ごめんなさい', 'Thread of thoughts, 1/9', '2/9: naïve café façade', '3/9: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 is fun', '4/9: 👩‍👩‍👧‍👦 families are one grapheme', '5/9', '6/9: 한국어도 조금', '7/9', '8/9', '9/9 done! 🎉'];
  for (const text of graceTexts) await post('grace', { text });

  // The repost flood: heidi reposts 8 posts in a row (some by people alice does not follow).
  const repostTargets = [bobHello, carlaPhoto, danLink, ...ivanPosts, eveRoot];
  for (const subject of repostTargets) await repost('heidi', subject);

  await post('bob', { text: 'Quoting this because it is lovely.' }, {
    embed: { $type: 'app.bsky.embed.record', record: carlaPhoto },
  });
  await post('carla', { text: '¡Gracias! 😊' }, { reply: { root: bobHello, parent: bobHello } });
  for (let i = 1; i <= 4; i++) await post('dan', { text: `T-minus ${5 - i} hours` });
  await post('frank', { text: 'Quiet day.' });
  await post('bob', { text: 'Last one for today.' });

  // Hostile posts (see ACCOUNTS.mallory): HTML and script in the text, a javascript: link
  // facet, hostile alt text, and a link card whose URL, title and description are hostile.
  const malloryText = await post('mallory', richText([
    `<script>${HOSTILE}</script><img src=x onerror="${HOSTILE}"> click `,
    { link: `javascript:${HOSTILE}`, text: 'this' }, ' or ', { link: 'https://example.com/safe', text: 'that' },
  ]), {
    embed: { $type: 'app.bsky.embed.images', images: [await image('mallory', makePng(64, 48, [0, 0, 0], [255, 0, 0]), `"><img src=x onerror="${HOSTILE}">`)] },
  });
  const malloryCard = await post('mallory', { text: 'A perfectly normal link card' }, {
    embed: {
      $type: 'app.bsky.embed.external',
      external: { uri: `javascript:${HOSTILE}`, title: `<img src=x onerror="${HOSTILE}">`, description: `<script>${HOSTILE}</script>` },
    },
  });

  // A curated list (alice's "Friends": bob and grace) and a custom feed ("Rockets", all of
  // dan's posts, served by a feed generator the network runs).
  const list = await alice.agent.app.bsky.graph.list.create({ repo: alice.did }, {
    name: 'Friends', purpose: 'app.bsky.graph.defs#curatelist', description: 'People I read first', createdAt: nextTime(),
  });
  for (const name of ['bob', 'grace']) {
    await alice.agent.app.bsky.graph.listitem.create({ repo: alice.did }, { list: list.uri, subject: users[name].did, createdAt: nextTime() });
  }
  const feedUri = `at://${users.dan.did}/app.bsky.feed.generator/rockets`;
  const danPosts = log.filter((e) => e.kind === 'post' && e.by === 'dan').map((e) => e.uri).reverse();
  const feedGen = await network.createFeedGen({
    [feedUri]: async () => ({ encoding: 'application/json', body: { feed: danPosts.map((post) => ({ post })) } }),
  });
  await users.dan.agent.com.atproto.repo.putRecord({
    repo: users.dan.did, collection: 'app.bsky.feed.generator', rkey: 'rockets',
    record: { $type: 'app.bsky.feed.generator', did: feedGen.did, displayName: 'Rockets', description: 'Everything Dan posts', createdAt: nextTime() },
  });

  const feeds = await seedFeeds(users, { post, nextTime });

  await network.processAll();

  return {
    pds: pdsUrl,
    appview: network.bsky.url,
    plc: network.plc.url,
    password: PASSWORD,
    viewer: { handle: alice.handle, did: alice.did },
    accounts: Object.fromEntries(Object.entries(users).map(([name, u]) => [name, { did: u.did, handle: u.handle, displayName: u.displayName }])),
    expiredAccessJwt: expiredAccessToken(network, alice.did),
    media,
    list: { uri: list.uri, members: ['bob', 'grace'].map((n) => users[n].handle) },
    feed: { uri: feedUri, posts: danPosts },
    hostile: { account: users.mallory.handle, posts: [malloryText.uri, malloryCard.uri] },
    floods: { posts: { account: users.grace.handle, count: graceTexts.length }, reposts: { account: users.heidi.handle, count: repostTargets.length } },
    log,
    feeds,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the on-the-fly feeds tests need (issue 10), added without changing any timeline the
 * other tests read: alice follows none of the accounts made here, and the accounts she
 * follows only gain followers (eve and frank follow her back: her mutuals). nora, mutey and
 * blocky post where only a list, an author source or a search reaches; alice mutes mutey,
 * blocks blocky, and keeps muted words that match only nora's posts (the timeline's own
 * posts are not hidden, even by the real web client); quinn (quiet) and basil (busy) post
 * with backdated `createdAt` times, followed by a second viewer, vera, whom quinn follows
 * back.
 * @param {Record<string, {did: string, handle: string, agent: AtpAgent}>} users
 * @param {{post: (name: string, content: {text: string, facets?: any[]}, extra?: any) => Promise<{uri: string, cid: string}>, nextTime: () => string}} helpers
 */
async function seedFeeds(users, { post, nextTime }) {
  const { alice, vera } = users;
  const follow = (/** @type {string} */ who, /** @type {string} */ whom) =>
    users[who].agent.app.bsky.graph.follow.create({ repo: users[who].did }, { subject: users[whom].did, createdAt: nextTime() });
  for (const name of ['eve', 'frank']) await follow(name, 'alice');

  // Languages, muted words (a content word, a tag, a word muted only for people alice does
  // not follow: it also appears in dan's followed post, and an expired one), a self-label.
  const posts = {
    balloon: await post('nora', { text: 'Weather balloon release at noon.' }, { langs: ['en'] }),
    launch: await post('nora', { text: 'Launch party tonight!' }, { langs: ['en'] }),
    spoilers: await post('nora', richText(['Finale thoughts, no details ', { tag: 'spoilers' }]), { langs: ['en'] }),
    de: await post('nora', { text: 'Guten Morgen aus Berlin.' }, { langs: ['de'] }),
    ja: await post('nora', { text: 'おはようございます、東京から。' }, { langs: ['ja'] }),
    en: await post('nora', { text: 'Good morning from London.' }, { langs: ['en'] }),
    coffee: await post('nora', { text: 'My coffee went cold again.' }, { langs: ['en'] }),
    labelled: await post('nora', { text: 'Photos from the operating room.' }, {
      langs: ['en'], labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'graphic-media' }] },
    }),
    muted: [await post('mutey', { text: 'A muted account speaks.' }), await post('mutey', { text: 'Still muted.' })],
    blocked: [await post('blocky', { text: 'A blocked account speaks.' })],
  };
  const mutedWords = { content: 'balloon', tag: 'spoilers', excludeFollowing: 'launch', expired: 'coffee' };
  const { data } = await alice.agent.app.bsky.actor.getPreferences();
  await alice.agent.app.bsky.actor.putPreferences({
    preferences: [
      ...data.preferences.filter((p) => p.$type !== 'app.bsky.actor.defs#mutedWordsPref'),
      {
        $type: 'app.bsky.actor.defs#mutedWordsPref',
        items: [
          { id: 'w1', value: mutedWords.content, targets: ['content'], actorTarget: 'all' },
          { id: 'w2', value: mutedWords.tag, targets: ['tag'], actorTarget: 'all' },
          { id: 'w3', value: mutedWords.excludeFollowing, targets: ['content', 'tag'], actorTarget: 'exclude-following' },
          { id: 'w4', value: mutedWords.expired, targets: ['content'], actorTarget: 'all', expiresAt: new Date(Date.now() - DAY_MS).toISOString() },
        ],
      },
    ],
  });
  await alice.agent.mute(users.mutey.did);
  await alice.agent.app.bsky.graph.block.create({ repo: alice.did }, { subject: users.blocky.did, createdAt: nextTime() });

  // alice's "Watch" list (nora, mutey, blocky), and a list she deleted.
  const watch = await alice.agent.app.bsky.graph.list.create({ repo: alice.did }, {
    name: 'Watch', purpose: 'app.bsky.graph.defs#curatelist', description: 'Accounts I keep an eye on', createdAt: nextTime(),
  });
  for (const name of ['nora', 'mutey', 'blocky']) {
    await alice.agent.app.bsky.graph.listitem.create({ repo: alice.did }, { list: watch.uri, subject: users[name].did, createdAt: nextTime() });
  }
  const old = await alice.agent.app.bsky.graph.list.create({ repo: alice.did }, {
    name: 'Old list', purpose: 'app.bsky.graph.defs#curatelist', createdAt: nextTime(),
  });
  await alice.agent.app.bsky.graph.listitem.create({ repo: alice.did }, { list: old.uri, subject: users.nora.did, createdAt: nextTime() });
  await alice.agent.app.bsky.graph.list.delete({ repo: alice.did, rkey: old.uri.split('/').pop() ?? '' });

  // Posting rates from real, backdated times: quinn 2 posts in the last 30 days (and one
  // older), basil 110 posts 5 hours apart (all 100 of a first page inside the window).
  const now = Date.now();
  /** @param {string} name @param {string} text @param {number} ago ms */
  const backdated = async (name, text, ago) => {
    const u = users[name];
    const res = await u.agent.app.bsky.feed.post.create({ repo: u.did }, { $type: 'app.bsky.feed.post', text, createdAt: new Date(now - ago).toISOString() });
    return res.uri;
  };
  const quiet = [
    await backdated('quinn', 'A thought, forty days ago.', 40 * DAY_MS),
    await backdated('quinn', 'A thought, twenty-five days ago.', 25 * DAY_MS),
    await backdated('quinn', 'A thought, ten days ago.', 10 * DAY_MS),
  ];
  const busy = [];
  for (let i = 110; i >= 1; i--) busy.push(await backdated('basil', `Update ${i} hours × 5 ago.`, i * 5 * 60 * 60 * 1000));
  for (const name of ['quinn', 'basil']) await follow('vera', name);
  await follow('quinn', 'vera');

  return {
    viewer2: { handle: vera.handle, did: vera.did },
    mutuals: { alice: ['eve', 'frank'].map((n) => users[n].handle), vera: [users.quinn.handle] },
    quiet: { account: users.quinn.handle, posts: quiet.slice(1).reverse(), older: quiet[0] },
    busy: { account: users.basil.handle, posts: busy.length },
    mutedAccount: users.mutey.handle,
    blockedAccount: users.blocky.handle,
    mutedWords,
    watchList: { uri: watch.uri, members: ['nora', 'mutey', 'blocky'].map((n) => users[n].handle) },
    deletedList: old.uri,
    posts: Object.fromEntries(Object.entries(posts).map(([k, v]) => [k, Array.isArray(v) ? v.map((r) => r.uri) : v.uri])),
  };
}
