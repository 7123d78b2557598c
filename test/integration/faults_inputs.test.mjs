// Hostile and faulty publishers with valid stream keys (issue 13, points 3 and
// 8): each fault sends THAT stream to `error` with its reason, server memory
// stays bounded, and a healthy stream publishing at the same time stays live
// and keeps getting segments. Faults are sent as fast as the socket takes
// them, so "10 s without a keyframe" is 10 s of media time, not of waiting.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFileSync } from "node:fs";
import { makeDataDir, startServer, stopServer, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor } from "./lib/media.mjs";
import { edgeUrl, fetchText, parseMaster, waitPlaylist } from "./lib/hls.mjs";
import { RawPublisher, readFlvTags, tinyVideoFrame } from "./lib/rtmp_client.mjs";

let server;
let dataDir;
let clip;
let tags;
let healthy;     // a passthrough stream published by ffmpeg throughout
let healthyPub;

const rtmpPort = () => Number(new URL(server.rtmpUrl).port);

function rssMb(srv) {
  const status = readFileSync(`/proc/${srv.proc.pid}/status`, "utf8");
  return Number(status.match(/^VmRSS:\s+(\d+) kB/m)[1]) / 1024;
}

// The last segment sequence number of a stream's first variant.
async function lastSegment(srv, edgeId) {
  const master = parseMaster(await fetchText(edgeUrl(srv.edgeBase, edgeId, "master.m3u8")));
  const url = edgeUrl(srv.edgeBase, edgeId, master.variants[0].uri);
  const p = await waitPlaylist(url, (pl) => pl.segments.length > 0);
  return { url, seq: p.segments.at(-1).sequence, discontinuities: p.discontinuities };
}

// A live stream keeps getting segments: two more after `before`, no discontinuity.
async function assertStillFlowing(srv, stream, label) {
  const before = await lastSegment(srv, stream.edgeId);
  await waitState(srv, stream.streamId, "live");
  const after = await waitPlaylist(before.url, (p) => p.segments.at(-1).sequence >= before.seq + 2,
    { timeoutMs: 20000, what: `${label}: new segments of the healthy stream` });
  assert.equal(after.ended, false, `${label}: the healthy stream has not ended`);
  assert.equal(after.discontinuities, before.discontinuities, `${label}: no gap in the healthy stream`);
}

// The stream goes to `error` and its reason matches `pattern`.
async function assertFailed(srv, stream, pattern) {
  const s = await waitState(srv, stream.streamId, ["error", "ended"], { timeoutMs: 20000 });
  assert.equal(s.state, "error", `state ${s.state}, reason ${s.errorReason ?? s.error_reason}`);
  assert.match(JSON.stringify(s), pattern);
}

// Sends `tags` (with the timestamps given) until done or the server closes.
async function sendAll(pub, list) {
  for (const t of list) {
    if (!(await pub.send(t))) break;
  }
}

function configs() {
  return [tags.find((t) => t.type === 9 && t.config), tags.find((t) => t.type === 8 && t.config)];
}

before(async () => {
  dataDir = makeDataDir();
  clip = await makeClip(path.join(dataDir, "av.flv"), { seconds: 4, size: "320x240" });
  tags = readFlvTags(clip);
  ({ server } = await startServer({ dataDir, args: ["--max-transcodes", "4"] }));
  healthy = await createStream(server, { name: "healthy" });
  healthyPub = ffmpegPublish(healthy.ingest.rtmpFullUrl, clip, { loop: true });
  await waitState(server, healthy.streamId, "live", { timeoutMs: 30000 });
});

after(async () => {
  healthyPub?.kill("SIGKILL");
  await stopServer(server, dataDir);
});

test("(a) a flood of tiny frames that never lets the tracks be announced: error, RSS bounded",
  { timeout: 90000 }, async () => {
    const rss0 = rssMb(server);
    // 1-byte messages before any sequence header: malformed tags, refused at once.
    const bare = await createStream(server, { name: "one-byte" });
    const p1 = await RawPublisher.publish(rtmpPort(), bare.ingest.streamKey);
    assert.equal(p1.status, "NetStream.Publish.Start");
    for (let i = 0; i < 5000; i++) {
      if (!(await p1.send({ type: 9, timestamp: 0, body: Buffer.from([0x17]) }))) break;
    }
    await waitFor(() => p1.closed, { timeoutMs: 10000, what: "the server to close the connection" });
    const s1 = await waitState(server, bare.streamId, ["ended", "error"]);
    assert.notEqual(s1.state, "live");

    // An AVC config, then frames of one byte at one timestamp: media time
    // never moves, so the tracks are never announced. 3,000 is past the bound
    // (2,048); the server refuses there instead of holding them all.
    const flood = await createStream(server, { name: "tiny-frame flood" });
    const p2 = await RawPublisher.publish(rtmpPort(), flood.ingest.streamKey);
    assert.equal(p2.status, "NetStream.Publish.Start");
    await sendAll(p2, [{ ...configs()[0], timestamp: 0 },
      ...Array.from({ length: 3000 }, (_, i) => ({ type: 9, timestamp: 0, body: tinyVideoFrame({ key: i === 0 }) }))]);
    await assertFailed(server, flood, /before the tracks could be announced/);
    await p2.waitText("NetStream.Publish.Failed");
    p1.close();
    p2.close();
    const growth = rssMb(server) - rss0;
    assert.ok(growth < 32, `RSS grew by ${growth.toFixed(1)} MB`);
    await assertStillFlowing(server, healthy, "(a)");
  });

// Publishes both codec configurations at 0 and then `frames` to a new stream
// of `quality`, as fast as they go; asserts the stream fails with `reason`,
// the encoder is told so, and RSS grew by less than `maxGrowthMb`.
async function publishFault({ name, quality = "passthrough", frames, reason, maxGrowthMb }) {
  const rss0 = rssMb(server);
  const s = await createStream(server, { name, quality });
  const pub = await RawPublisher.publish(rtmpPort(), s.ingest.streamKey);
  assert.equal(pub.status, "NetStream.Publish.Start");
  const [videoConfig, audioConfig] = configs();
  await sendAll(pub, [{ ...videoConfig, timestamp: 0 }, { ...audioConfig, timestamp: 0 }, ...frames]);
  await assertFailed(server, s, reason);
  await pub.waitText("NetStream.Publish.Failed");
  pub.close();
  const growth = rssMb(server) - rss0;
  assert.ok(growth < maxGrowthMb, `RSS grew by ${growth.toFixed(1)} MB`);
}

// Tags of `type` (no configs) matching `pred`, cycled over `ms` of
// media at one frame every `stepMs`.
function cycled(type, pred, stepMs, ms) {
  const pool = tags.filter((t) => t.type === type && !t.config && pred(t));
  return Array.from({ length: Math.floor(ms / stepMs) },
    (_, i) => ({ ...pool[i % pool.length], timestamp: i * stepMs }));
}

test("(b) audio only after announcing video, on a transcoded stream: error after 10 s of media",
  { timeout: 90000 }, async () => {
    await publishFault({
      name: "audio-only flood", quality: "standard",
      frames: cycled(8, () => true, 23, 30000),  // 30 s of AAC frames, sent at once
      reason: /no video keyframe for 10 s/,
      maxGrowthMb: 64,  // the transcoder's decoder and encoders were opened (320x240)
    });
    await assertStillFlowing(server, healthy, "(b)");
  });

test("(c) a passthrough publisher that never sends a keyframe: error 'no video keyframe for 10 s'",
  { timeout: 90000 }, async () => {
    const video = cycled(9, (t) => !t.key, 33, 30000);
    const audio = cycled(8, () => true, 33, 30000);
    await publishFault({
      name: "no keyframes",
      frames: video.flatMap((v, i) => [v, audio[i]]),
      reason: /no video keyframe for 10 s/,
      maxGrowthMb: 32,
    });
    await assertStillFlowing(server, healthy, "(c)");
  });

test("(d) --max-transcodes 1: a second transcoded publish is refused and shows error; passthrough still goes live",
  { timeout: 120000 }, async () => {
    const dir = makeDataDir();
    const { server: node } = await startServer({ dataDir: dir, args: ["--max-transcodes", "1"] });
    const pubs = [];
    try {
      const first = await createStream(node, { name: "first", quality: "standard" });
      pubs.push(ffmpegPublish(first.ingest.rtmpFullUrl, clip, { loop: true }));
      await waitState(node, first.streamId, "live", { timeoutMs: 60000 });

      const second = await createStream(node, { name: "second", quality: "standard" });
      const port = Number(new URL(node.rtmpUrl).port);
      const refused = await RawPublisher.publish(port, second.ingest.streamKey);
      assert.equal(refused.status, "NetStream.Publish.Failed");
      assert.match(refused.text(), /max-transcodes/);
      refused.close();
      await assertFailed(node, second, /--max-transcodes/);

      const copied = await createStream(node, { name: "copied", quality: "passthrough" });
      pubs.push(ffmpegPublish(copied.ingest.rtmpFullUrl, clip, { loop: true }));
      await waitState(node, copied.streamId, "live", { timeoutMs: 30000 });
      await assertStillFlowing(node, first, "(d) first");
    } finally {
      for (const p of pubs) p.kill("SIGKILL");
      await stopServer(node);
      cleanup(dir);
    }
  });
