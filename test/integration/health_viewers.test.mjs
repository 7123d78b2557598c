// Stream health and viewers (docs/api.md, "Stream health" and "Viewers")
// against the real binary: an ffmpeg RTMP publish shows its clip's figures in
// the resource while live and none after the end; two simulated clients
// fetching segments are two viewers in the API and status.json, and none once
// they stop. Every wait polls for the event, with a timeout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, stopServer } from "./lib/server.mjs";
import { clipForTests, ffmpegPublish, waitFor } from "./lib/media.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import { edgeUrl, fetchObject, parseMaster, parseMedia } from "./lib/hls.mjs";
import { Contract } from "./lib/openapi.mjs";

// 320x240 at 30 fps, a keyframe every second, AAC at 64 kbit/s; looped.
const clip = clipForTests({ seconds: 4, size: "320x240", rate: 30, gop: 30 });

let server;
let dataDir;
let contract;

before(async () => {
  ({ server, dataDir } = await startServer());
  contract = new Contract(await (await fetch(`${server.apiBase}/v1/openapi.json`)).json());
});
after(() => stopServer(server, dataDir));

async function checkedGet(id) {
  const res = await server.api(`/v1/live-streams/${id}`);
  return contract.check(res, "/v1/live-streams/{streamId}", "get");
}

async function statusJson(edgeId) {
  const r = await fetchObject(edgeUrl(server.edgeBase, edgeId, "status.json"));
  assert.equal(r.status, 200);
  return JSON.parse(r.text());
}

// One segment of the stream's first rendition, as a player would find it.
async function segmentUrl(edgeId) {
  const master = parseMaster((await fetchObject(edgeUrl(server.edgeBase, edgeId, "master.m3u8"))).text());
  const playlistUrl = edgeUrl(server.edgeBase, edgeId, master.variants[0].uri);
  const playlist = await waitFor(async () => {
    const p = parseMedia((await fetchObject(playlistUrl)).text());
    return p.segments.length > 0 ? p : null;
  }, { timeoutMs: 15000, what: "a segment in the playlist" });
  return { playlistUrl, segment: new URL(playlist.segments.at(-1).uri, playlistUrl).href };
}

// A simulated player: one address (the test's), its own User-Agent.
async function fetchAs(userAgent, url) {
  const res = await fetch(url, { headers: { "User-Agent": userAgent } });
  await res.arrayBuffer();
  return res.status;
}

test("health of a live publish, viewers of its segments, both gone after the end", async (t) => {
  const s = await createStream(server, { reconnectWindowSeconds: 0 });
  assert.equal(s.health, null);
  assert.equal(s.viewers, 0);
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
  try {
    await waitState(server, s.streamId, "live", { timeoutMs: 20000 });

    // Health: the clip's figures once a few seconds of it arrived.
    const health = await waitFor(async () => {
      const h = (await checkedGet(s.streamId)).health;
      return h && h.fps > 0 && h.keyframeIntervalSeconds !== null && h.audioBitrateKbps > 0
        ? h : null;
    }, { timeoutMs: 20000, what: "health with frame rate and keyframe interval" });
    t.diagnostic(`health: ${JSON.stringify(health)}`);
    assert.ok(["healthy", "degraded", "starving"].includes(health.status), health.status);
    assert.equal(health.width, 320);
    assert.equal(health.height, 240);
    assert.match(health.videoCodec, /^avc1\.[0-9a-f]{6}$/);
    assert.equal(health.audioCodec, "mp4a.40.2");
    assert.ok(health.fps >= 15 && health.fps <= 45, `fps ${health.fps}`);
    assert.ok(health.keyframeIntervalSeconds >= 0.9 && health.keyframeIntervalSeconds <= 1.1,
      `keyframe interval ${health.keyframeIntervalSeconds}`);
    assert.ok(health.videoBitrateKbps > 10 && health.videoBitrateKbps < 20000,
      `video ${health.videoBitrateKbps} kbit/s`);
    assert.ok(health.audioBitrateKbps > 20 && health.audioBitrateKbps < 200,
      `audio ${health.audioBitrateKbps} kbit/s`);
    assert.equal(health.droppedGops, 0);  // passthrough sheds nothing
    assert.ok(!Number.isNaN(Date.parse(health.lastFrameAt)), health.lastFrameAt);
    // The list shows the same fields, and matches the document too.
    const page = await contract.check(await server.api("/v1/live-streams"), "/v1/live-streams", "get");
    assert.ok(page.data.find((x) => x.streamId === s.streamId).health);

    // Viewers: a client that only polls playlists is not one; two that fetch segments are.
    const { playlistUrl, segment } = await segmentUrl(s.edgeId);
    assert.equal(await fetchAs("playlist-only", playlistUrl), 200);
    let viewers = 0;
    await waitFor(async () => {
      assert.equal(await fetchAs("player-a", segment), 200);
      assert.equal(await fetchAs("player-b", segment), 200);
      viewers = (await getStream(server, s.streamId)).viewers;
      return viewers >= 2;
    }, { timeoutMs: 15000, intervalMs: 500, what: "2 viewers in the API" });
    assert.equal(viewers, 2);
    await waitFor(async () => {
      assert.equal(await fetchAs("player-a", segment), 200);
      assert.equal(await fetchAs("player-b", segment), 200);
      return (await statusJson(s.edgeId)).viewers === 2;
    }, { timeoutMs: 10000, intervalMs: 500, what: "2 viewers in status.json" });

    // The players stop: the count falls back once the 10 s window passed.
    await waitFor(async () => (await getStream(server, s.streamId)).viewers === 0,
      { timeoutMs: 30000, intervalMs: 500, what: "0 viewers in the API" });
    await waitFor(async () => (await statusJson(s.edgeId)).viewers === 0,
      { timeoutMs: 10000, intervalMs: 500, what: "0 viewers in status.json" });
  } finally {
    pub.kill("SIGKILL");
  }
  // The encoder is gone (no reconnect window): no health any more.
  const ended = await waitState(server, s.streamId, ["ended", "idle"], { timeoutMs: 20000 });
  assert.equal(ended.health, null);
  assert.equal((await checkedGet(s.streamId)).health, null);
});
