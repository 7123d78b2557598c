// The standard and high ladders end to end: a short generated source is
// published, transcoded and packaged; every rendition must decode from the
// edge, at the right size, with IDR frames at the same times in every rendition.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, stopServer } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish } from "./lib/media.mjs";
import { parseMaster, parseMedia, fetchText, decodes, probeStreams, videoPackets } from "./lib/hls.mjs";

let server;
let dataDir;

before(async () => ({ server, dataDir } = await startServer()));
after(() => stopServer(server, dataDir));

// Publishes `clip` to a new stream of `quality` and waits until it has ended.
async function transcodeClip(quality, clip) {
  const stream = await createStream(server, { name: quality, quality });
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip);
  await waitState(server, stream.streamId, "live", { timeoutMs: 30000 });
  await publisher.exited;
  await waitState(server, stream.streamId, "ended", { timeoutMs: 30000 });
  const master = await fetchText(stream.playback.hlsUrl);
  return { stream, master: parseMaster(master), masterText: master };
}

async function keyframeTimes(url) {
  return (await videoPackets(url)).filter((p) => p.key).map((p) => p.pts.toFixed(3));
}

async function checkLadder(quality, source, expected) {
  const clip = path.join(dataDir, `${quality}.flv`);
  await makeClip(clip, { seconds: 5, size: source, gop: 75 });  // source GOP 2.5 s: not our grid
  const { stream, master, masterText } = await transcodeClip(quality, clip);
  const base = stream.playback.hlsUrl.replace(/master\.m3u8$/, "");
  const sizes = master.variants.map((v) => v.attrs.RESOLUTION);
  assert.deepEqual(sizes, expected, masterText);
  for (const v of master.variants) {
    assert.match(v.attrs.CODECS, /^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
    assert.ok(Number(v.attrs.BANDWIDTH) > 0);
  }
  const keyframes = [];
  for (const v of master.variants) {
    const url = base + v.uri;
    const d = await decodes(url);
    assert.ok(d.ok, `${v.uri} decodes: ${d.stderr}`);
    const probe = await probeStreams(url);
    assert.equal(`${probe.video.width}x${probe.video.height}`, v.attrs.RESOLUTION);
    assert.equal(probe.video.profile, "High");
    keyframes.push(await keyframeTimes(url));
  }
  // IDR frames at identical times in every rendition, on a 2 s grid.
  for (const k of keyframes.slice(1)) assert.deepEqual(k, keyframes[0]);
  assert.ok(keyframes[0].length >= 2, `keyframes ${keyframes[0]}`);
  const gaps = keyframes[0].slice(1).map((t, i) => Number(t) - Number(keyframes[0][i]));
  for (const g of gaps) assert.ok(Math.abs(g - 2) < 0.05, `keyframe gap ${g}`);
  // PDT follows media time: consecutive PDTs differ by the EXTINF, and a
  // segment number has one PDT in every video rendition (audio segments start
  // where their first frame is, within the tolerance of the start check below;
  // the unit tests hold PDT - tfdt to one constant in every track).
  const pdts = [];
  for (const uri of [...master.variants.map((v) => v.uri), master.media[0].URI]) {
    const p = parseMedia(await fetchText(base + uri));
    const t = p.segments.map((x) => Date.parse(x.pdt));
    for (let i = 0; i + 1 < t.length; i++) {
      assert.ok(Math.abs(t[i + 1] - t[i] - p.segments[i].duration * 1000) <= 1,
        `${uri} ${p.segments[i].uri}: PDT step ${t[i + 1] - t[i]} ms, EXTINF ${p.segments[i].duration}`);
    }
    pdts.push(t);
  }
  const audioPdts = pdts.pop();
  for (const t of pdts) {
    assert.equal(t.length, pdts[0].length);
    t.forEach((v, i) => assert.ok(Math.abs(v - pdts[0][i]) <= 1, `segment ${i}: PDT ${v} vs ${pdts[0][i]}`));
  }
  audioPdts.forEach((v, i) => assert.ok(Math.abs(v - pdts[0][i]) <= 1000 / 30 + 25 + 1,
    `audio segment ${i}: PDT ${v} vs video ${pdts[0][i]}`));
  // Audio is its own rendition and starts with the video (within a frame).
  const audio = await probeStreams(base + master.media[0].URI);
  const video = await probeStreams(base + master.variants[0].uri);
  assert.equal(audio.audio.codec, "aac");
  assert.ok(Math.abs(audio.audio.startTime - video.video.startTime) <= 1 / 30 + 0.025,
    `audio starts at ${audio.audio.startTime}, video at ${video.video.startTime}`);
}

test("standard ladder from a 480p source: 480p and 360p, never upscaled", async () => {
  await checkLadder("standard", "854x480", ["854x480", "640x360"]);
});

test("high ladder from a 720p source: 720p and 480p", async () => {
  await checkLadder("high", "1280x720", ["1280x720", "854x480"]);
});
