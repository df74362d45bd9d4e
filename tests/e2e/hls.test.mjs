// @ts-check
/**
 * The HLS fallback's playlist reading (extension/background/library/hls.js), on its own: it
 * needs no browser. The download path is tested end to end in library.test.mjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { download, segments, variants } from '../../extension/background/library/hls.js';

const BASE = 'https://video.example/watch/did/cid/playlist.m3u8';

test('variants: best bandwidth first, URIs resolved against the playlist', () => {
  const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/video.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2500000\n\n720p/video.m3u8\n';
  assert.deepEqual(variants(master, BASE), [
    { bandwidth: 2500000, uri: 'https://video.example/watch/did/cid/720p/video.m3u8' },
    { bandwidth: 800000, uri: 'https://video.example/watch/did/cid/360p/video.m3u8' },
  ]);
  assert.deepEqual(variants('#EXTM3U\n#EXTINF:2,\nseg.ts\n', BASE), [], 'a media playlist has none');
});

test('segments: init section first, then every segment; refusals say why', () => {
  const media = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg0.m4s\n#EXTINF:2,\r\nseg1.m4s\n#EXT-X-ENDLIST\n';
  assert.deepEqual(segments(media, BASE), {
    init: 'https://video.example/watch/did/cid/init.mp4',
    segments: ['https://video.example/watch/did/cid/seg0.m4s', 'https://video.example/watch/did/cid/seg1.m4s'],
  });
  assert.throws(() => segments('<html>', BASE), /not an HLS playlist/);
  assert.throws(() => segments('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:2,\ns.ts\n', BASE), /encrypted/);
  assert.throws(() => segments('#EXTM3U\n#EXT-X-BYTERANGE:100@0\n#EXTINF:2,\ns.ts\n', BASE), /byte ranges/);
  assert.throws(() => segments('#EXTM3U\n#EXT-X-ENDLIST\n', BASE), /no segments/);
});

test('download: MPEG-TS segments make a video/mp2t file, in order', async () => {
  /** @type {Record<string, string>} */
  const files = {
    [BASE]: '#EXTM3U\n#EXTINF:2,\na.ts\n#EXTINF:2,\nb.ts\n',
    'https://video.example/watch/did/cid/a.ts': 'AA',
    'https://video.example/watch/did/cid/b.ts': 'BB',
  };
  const blob = await download(BASE, async (url) => new Response(files[url]));
  assert.equal(blob.type, 'video/mp2t');
  assert.equal(await blob.text(), 'AABB');
});
