// SRT ingest: ffmpeg publishes MPEG-TS as an SRT caller with streamid = the
// stream key (or the #!::r=KEY,m=publish form); the stream goes live and plays.
// AC-3 and Opus audio come out as AAC. A wrong key is refused; an H.265 source
// comes out as the H.264 ladder, and passthrough of H.265 puts the stream in
// error with the reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, stopServer } from "./lib/server.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import { run, startProcess } from "./lib/media.mjs";
import { fetchText, parseMaster, decodes, probeStreams } from "./lib/hls.mjs";

let server;
let dataDir;
const clips = {};
const DEADLINE_MS = 30000;

// A few seconds of test pattern and tone as MPEG-TS, video in `vcodec`, audio in `acodec`.
async function makeTs(file, vcodec, size, seconds = 3, acodec = ["-c:a", "aac", "-b:a", "64k"]) {
  const r = await run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=30:duration=${seconds}`,
    "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    ...vcodec, "-pix_fmt", "yuv420p", ...acodec, "-f", "mpegts", file]);
  assert.equal(r.code, 0, r.stderr);
  return file;
}

// ffmpeg as an SRT caller, sending `clip` in real time (`extra`: output options).
function srtPublish(url, clip, extra = []) {
  const sep = url.includes("?") ? "&" : "?";
  return startProcess("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "warning", "-re",
    "-i", clip, "-c", "copy", "-f", "mpegts", ...extra, `${url}${sep}pkt_size=1316`]);
}

before(async () => {
  ({ server, dataDir } = await startServer({ args: ["--srt-listen", "127.0.0.1:0"] }));
  clips.h264 = await makeTs(path.join(dataDir, "h264.ts"),
    ["-c:v", "libx264", "-preset", "veryfast", "-g", "30"], "320x240");
  clips.h265 = await makeTs(path.join(dataDir, "h265.ts"),
    ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=30"], "640x360",
    5);
});
after(() => stopServer(server, dataDir));

for (const [name, acodec] of [["AC-3", ["-c:a", "ac3", "-b:a", "96k"]],
  ["Opus", ["-c:a", "libopus", "-b:a", "64k"]]]) {
  test(`${name} audio over SRT comes out as AAC-LC 48 kHz stereo, every frame decodes`,
    { timeout: 90000 }, async () => {
      const clip = await makeTs(path.join(dataDir, `${name}.ts`),
        ["-c:v", "libx264", "-preset", "veryfast", "-g", "30"], "320x240", 3, acodec);
      const s = await createStream(server, { quality: "passthrough", reconnectWindowSeconds: 0 });
      const { master, text, base } = await publishAndEnd(s, s.ingest.srtFullUrl, clip);
      assert.equal(master.media.length, 1, text);
      const url = base + master.media[0].URI;
      const audio = (await probeStreams(url)).audio;
      assert.equal(audio.codec, "aac");
      assert.equal(audio.sampleRate, 48000);
      assert.equal(audio.channels, 2);
      // 3 s of source is ~140 AAC frames; ffmpeg's SRT close may drop the last few.
      assert.ok(audio.frames >= 110, `${audio.frames} audio frames`);
      const d = await decodes(url);
      assert.ok(d.ok, d.stderr);
    });
}

// Publishes and waits for live, then for the end (SRT has no unpublish: the
// stream ends when the reconnect window, 0 here, has passed).
async function publishAndEnd(stream, url, clip, extra = []) {
  const publisher = srtPublish(url, clip, extra);
  const seen = [];
  await waitState(server, stream.streamId, ["live", "ended"], { timeoutMs: DEADLINE_MS, seen });
  const r = await publisher.wait(DEADLINE_MS);
  assert.equal(r.code, 0, r.stderr);
  const ended = await waitState(server, stream.streamId, "ended", { timeoutMs: DEADLINE_MS, seen });
  // Live at some point (a transcoded source may be live only briefly before its end).
  assert.ok(ended.startedAt, `never live: ${seen.join(" -> ")}`);
  const text = await fetchText(stream.playback.hlsUrl);
  return { master: parseMaster(text), text, base: stream.playback.hlsUrl.replace(/master\.m3u8$/, "") };
}

test("the resource shows srtUrl, and srtFullUrl with the key on creation", async () => {
  const s = await createStream(server);
  assert.match(s.ingest.srtUrl, /^srt:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(s.ingest.srtFullUrl, `${s.ingest.srtUrl}?streamid=${s.ingest.streamKey}`);
  assert.equal((await getStream(server, s.streamId)).ingest.srtFullUrl, undefined);
});

test("ffmpeg publishes H.264 + AAC over srt:// and it plays", { timeout: 90000 }, async () => {
  const s = await createStream(server, { quality: "passthrough", reconnectWindowSeconds: 0 });
  const { master, base } = await publishAndEnd(s, s.ingest.srtFullUrl, clips.h264);
  assert.equal(master.media.length, 1);
  const video = await probeStreams(base + master.variants[0].uri);
  assert.equal(video.video.codec, "h264");
  assert.ok(video.video.frames >= 80, `${video.video.frames} video frames`);
  const d = await decodes(base + master.variants[0].uri);
  assert.ok(d.ok, d.stderr);
  const audio = await probeStreams(base + master.media[0].URI);
  assert.equal(audio.audio.codec, "aac");
  // The node's ingest counters include SRT's.
  const metrics = await (await fetch(server.metricsUrl)).text();
  const videoFrames = Number(metrics.match(/^antcdn_ingest_frames_total\{kind="video"\} (\d+)/m)?.[1]);
  assert.ok(videoFrames >= 80, `antcdn_ingest_frames_total{kind="video"} ${videoFrames}`);
  assert.match(metrics, /^antcdn_ingest_publishers 0$/m);
});

test("the #!::r=KEY,m=publish streamid works too", { timeout: 90000 }, async () => {
  const s = await createStream(server, { quality: "passthrough", reconnectWindowSeconds: 0 });
  await publishAndEnd(s, s.ingest.srtUrl, clips.h264,
    ["-srt_streamid", `#!::r=${s.ingest.streamKey},m=publish`]);
});

test("a wrong stream key is refused", { timeout: 60000 }, async () => {
  const s = await createStream(server);
  const r = await srtPublish(`${s.ingest.srtUrl}?streamid=sk_live_wrong`, clips.h264).wait(DEADLINE_MS);
  assert.equal(r.timedOut, false);
  assert.notEqual(r.code, 0, "ffmpeg must be refused");
  assert.equal((await getStream(server, s.streamId)).state, "idle");
  assert.match(server.stderr, /ingest\.srt .*publish refused: unknown stream key/);
});

test("an H.265 source plays as the standard ladder in H.264", { timeout: 120000 }, async () => {
  const s = await createStream(server, { quality: "standard", reconnectWindowSeconds: 0 });
  const { master, text, base } = await publishAndEnd(s, s.ingest.srtFullUrl, clips.h265);
  assert.deepEqual(master.variants.map((v) => v.attrs.RESOLUTION), ["640x360"], text);
  for (const v of master.variants) {
    assert.match(v.attrs.CODECS, /^avc1\./);
    const d = await decodes(base + v.uri);
    assert.ok(d.ok, d.stderr);
    assert.equal((await probeStreams(base + v.uri)).video.codec, "h264");
  }
});

test("passthrough of H.265 puts the stream in error with the reason", { timeout: 60000 }, async () => {
  const s = await createStream(server, { quality: "passthrough", reconnectWindowSeconds: 0 });
  const publisher = srtPublish(s.ingest.srtFullUrl, clips.h265);
  const st = await waitState(server, s.streamId, "error", { timeoutMs: DEADLINE_MS });
  assert.match(st.errorReason, /H\.265 cannot be packaged as it is/);
  await publisher.wait(DEADLINE_MS);
});
