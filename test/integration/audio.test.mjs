// Audio that players cannot take comes out as AAC-LC 48 kHz stereo, in the
// transcoded ladder and in passthrough; a source without audio plays as video
// only (no audio group in the master playlist).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, stopServer } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, probe } from "./lib/media.mjs";
import { parseMaster, fetchText, decodes, probeStreams } from "./lib/hls.mjs";

let server;
let dataDir;
const clips = {};

before(async () => {
  ({ server, dataDir } = await startServer());
  clips.mp3 = path.join(dataDir, "mp3.flv");
  clips.silent = path.join(dataDir, "silent.flv");
  await makeClip(clips.mp3, { seconds: 4, gop: 30,
    acodec: ["-c:a", "libmp3lame", "-ar", "22050", "-ac", "1", "-b:a", "48k"] });
  await makeClip(clips.silent, { seconds: 4, gop: 30, audio: false });
  assert.equal((await probe(clips.mp3)).audio.codec, "mp3");
});
after(() => stopServer(server, dataDir));

// Publishes `clip` to a new stream of `quality`, waits until it has ended and
// returns the master playlist with the base URL of its renditions.
async function publish(quality, clip) {
  const stream = await createStream(server, { name: `${quality} ${path.basename(clip)}`, quality });
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip);
  await waitState(server, stream.streamId, "live", { timeoutMs: 30000 });
  const r = await publisher.exited;
  assert.equal(r.code, 0, r.stderr);
  await waitState(server, stream.streamId, "ended", { timeoutMs: 30000 });
  const text = await fetchText(stream.playback.hlsUrl);
  return { master: parseMaster(text), text, base: stream.playback.hlsUrl.replace(/master\.m3u8$/, "") };
}

for (const quality of ["standard", "passthrough"]) {
  test(`${quality}: MP3 22 kHz mono comes out as AAC 48 kHz stereo, every frame decodes`,
    { timeout: 90000 }, async () => {
      const { master, text, base } = await publish(quality, clips.mp3);
      assert.equal(master.media.length, 1, text);
      for (const v of master.variants) assert.match(v.attrs.CODECS, /,mp4a\.40\.2$/, text);
      const url = base + master.media[0].URI;
      const audio = (await probeStreams(url)).audio;
      assert.equal(audio.codec, "aac");
      assert.equal(audio.profile, "LC");
      assert.equal(audio.sampleRate, 48000);
      assert.equal(audio.channels, 2);
      // 4 s of source: about 188 frames of 1024 samples at 48 kHz.
      assert.ok(audio.frames >= 180 && audio.frames <= 200, `${audio.frames} audio frames`);
      const d = await decodes(url);
      assert.ok(d.ok, d.stderr);
    });
}

test("a source without audio plays as video only: no audio group", { timeout: 90000 }, async () => {
  const { master, text, base } = await publish("standard", clips.silent);
  assert.equal(master.media.length, 0, text);
  assert.doesNotMatch(text, /AUDIO=/);
  for (const v of master.variants) {
    assert.match(v.attrs.CODECS, /^avc1\.[0-9a-f]{6}$/, text);
    const streams = await probeStreams(base + v.uri);
    assert.equal(streams.audio, undefined);
    assert.ok(streams.video.frames >= 110, `${streams.video.frames} video frames`);
    const d = await decodes(base + v.uri);
    assert.ok(d.ok, d.stderr);
  }
});
