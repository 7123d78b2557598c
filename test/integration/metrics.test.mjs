// Prometheus /metrics on its own listener: a real publish and a real edge read
// move the counters, the exposition passes `promtool check metrics`, and no API
// key or stream key ever appears in it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { makeDataDir, startServer, stopServer } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, haveTool } from "./lib/media.mjs";
import { edgeUrl, fetchObject, waitPlaylist } from "./lib/hls.mjs";

let server;
let dataDir;
let clip;

before(async () => {
  dataDir = makeDataDir();
  clip = await makeClip(path.join(dataDir, "clip.flv"), { seconds: 8 });
  ({ server } = await startServer({ dataDir, args: ["--metrics-per-stream"] }));
});

after(() => stopServer(server, dataDir));

async function scrape() {
  const res = await fetch(server.metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  return res.text();
}

// The samples of the text format: [{name, labels: {k: v}, value}].
function parse(body) {
  const out = [];
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    assert.ok(m, `unparsable line: ${line}`);
    const labels = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k] = v;
    }
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

// The value of the one sample `name` whose labels include `labels`.
function value(samples, name, labels = {}) {
  const found = samples.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(found.length, 1, `one sample ${name} ${JSON.stringify(labels)}, got ${found.length}`);
  return found[0].value;
}

test("/metrics is on its own listener only", async () => {
  assert.ok(server.metricsUrl, "the banner names the metrics URL");
  const port = new URL(server.metricsUrl).port;
  assert.notEqual(port, new URL(server.apiBase).port);
  assert.notEqual(port, new URL(server.edgeBase).port);
  assert.equal((await fetch(`${server.apiBase}/metrics`)).status, 404);
  assert.equal((await fetch(`${server.edgeBase}/metrics`)).status, 404);
  assert.equal((await fetch(new URL("/other", server.metricsUrl))).status, 404);
  assert.equal((await fetch(server.metricsUrl, { method: "POST" })).status, 405);
});

test("a publish and an edge read move the counters; promtool accepts the exposition; no secrets",
  { timeout: 120000 }, async () => {
    assert.ok(haveTool("promtool"), "promtool (Debian package prometheus) is installed");
    const before = parse(await scrape());
    assert.equal(value(before, "antcdn_ingest_bytes_total"), 0);
    assert.equal(value(before, "antcdn_edge_requests_total", { kind: "segment", status: "200" }), 0);

    const s = await createStream(server);
    const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip);
    let live;
    let liveBody;
    try {
      await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
      const playlistUrl = edgeUrl(server.edgeBase, s.edgeId, "source/index.m3u8");
      const playlist = await waitPlaylist(playlistUrl, (p) => p.segments.length >= 1);
      const segment = await fetchObject(edgeUrl(server.edgeBase, s.edgeId,
        `source/${playlist.segments[0].uri}`));
      assert.equal(segment.status, 200);
      assert.ok(segment.body.length > 0);
      liveBody = await scrape();
      live = parse(liveBody);
    } finally {
      await pub.wait(30000);
    }
    assert.equal(value(live, "antcdn_ingest_publishers"), 1);
    // --metrics-per-stream: the publisher's own series, labelled with the stream id.
    assert.ok(value(live, "antcdn_stream_ingest_bytes_total", { stream: s.streamId }) > 0);
    assert.ok(value(live, "antcdn_stream_ingest_frames_total",
      { stream: s.streamId, kind: "video" }) > 0);
    assert.equal(value(live, "antcdn_streams", { state: "live" }), 1);
    assert.equal(value(live, "antcdn_streams", { state: "idle" }), 0);
    await waitState(server, s.streamId, "ended", { timeoutMs: 20000 });

    const body = await scrape();
    const after = parse(body);
    assert.ok(value(after, "antcdn_ingest_bytes_total") > 0, "ingest bytes");
    assert.ok(value(after, "antcdn_ingest_frames_total", { kind: "video" }) > 0, "video frames");
    assert.ok(value(after, "antcdn_ingest_frames_total", { kind: "audio" }) > 0, "audio frames");
    assert.equal(value(after, "antcdn_ingest_publishers"), 0);
    assert.ok(!after.some((x) => x.name.startsWith("antcdn_stream_ingest_")),
      "per-stream series end with the publish");
    assert.equal(value(after, "antcdn_streams", { state: "ended" }), 1);
    assert.ok(value(after, "antcdn_edge_requests_total", { kind: "segment", status: "200" }) >= 1);
    assert.ok(value(after, "antcdn_edge_requests_total", { kind: "playlist", status: "200" }) >= 1);
    assert.ok(value(after, "antcdn_edge_sent_bytes_total", { kind: "segment" }) > 0);
    assert.ok(value(after, "antcdn_segment_write_seconds_count") > 0, "segment writes");
    assert.equal(value(after, "antcdn_segment_write_failures_total"), 0);
    assert.ok(value(after, "antcdn_storage_writes_total", { outcome: "stored" }) > 0);
    assert.ok(value(after, "antcdn_cache_hits_total") >= 1, "the playlist read hit the cache");
    assert.ok(value(after, "antcdn_event_loop_lateness_seconds_count", { loop: "ingest" }) > 0);
    assert.ok(value(after, "antcdn_event_loop_lateness_seconds_count", { loop: "edge" }) > 0);
    assert.equal(value(after, "antcdn_transcode_queued_frames"), 0);
    assert.ok(value(after, "process_resident_memory_bytes") > 0);
    assert.ok(value(after, "process_open_fds") > 0);
    assert.ok(value(after, "process_max_fds") > 0);
    assert.ok(value(after, "process_cpu_seconds_total") > 0);

    // Both scrapes (the first with the per-stream series): no secret in any
    // label or value, and promtool finds nothing to complain about.
    for (const text of [liveBody, body]) {
      for (const secret of [server.apiKey, s.ingest.streamKey]) {
        assert.ok(secret && !text.includes(secret), "a key appears in the exposition");
      }
      assert.doesNotMatch(text, /sk_live_|ak_/);
      const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
    }
  });
