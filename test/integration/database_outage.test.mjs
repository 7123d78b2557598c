// The database stops answering (PostgreSQL frozen with SIGSTOP: connections
// open, nothing answered, as in a partition): API calls that need it answer
// 503 `unavailable` with Retry-After within 3 s instead of hanging, calls that
// do not (health, console) still answer, and a stream that is already live
// keeps producing segments. When the database is back, everything works again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor } from "./lib/media.mjs";
import { parseMedia, fetchText } from "./lib/hls.mjs";
import { startBackends, stopBackends } from "./lib/cluster.mjs";

let backends;
let server;
let scratch;

before(async () => {
  scratch = makeDataDir();
  backends = await startBackends();
  server = await new Server(makeDataDir(), ["--database", backends.postgresUrl]).start();
});

after(async () => {
  await backends?.thawDatabase().catch(() => {});
  if (server) {
    await server.stop();
    cleanup(server.dataDir);
  }
  if (backends) await stopBackends(backends);
  cleanup(scratch);
});

async function timed(fn) {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

test("a frozen database: 503 within 3 s, live ingest goes on, recovery after", { timeout: 120000 },
  async () => {
    const clip = path.join(scratch, "clip.flv");
    await makeClip(clip, { seconds: 4, size: "320x240", gop: 30 });
    const s = await createStream(server, { name: "outage", quality: "passthrough" });
    const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true });
    try {
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      const playlist = s.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
      const before = parseMedia(await fetchText(playlist));

      await backends.freezeDatabase();
      const list = await timed(() => server.api("/v1/live-streams"));
      assert.equal(list.value.status, 503);
      assert.ok(list.ms < 3000, `answered after ${list.ms} ms`);
      assert.ok(Number(list.value.headers.get("retry-after")) >= 1, "Retry-After");
      assert.equal((await list.value.json()).error.code, "unavailable");
      const health = await server.api("/healthz", { key: null });
      assert.equal(health.status, 200, "health needs no database");
      // /metrics answers too, without the one family that needs the database.
      const scrape = await fetch(server.metricsUrl);
      assert.equal(scrape.status, 200);
      const metrics = await scrape.text();
      assert.match(metrics, /^antcdn_ingest_bytes_total [1-9]/m);
      assert.doesNotMatch(metrics, /^antcdn_streams\{/m);

      // Segments keep coming while the database is away (lease 10 s > outage).
      const last = (p) => p.segments.at(-1)?.sequence ?? -1;
      await waitFor(async () => last(parseMedia(await fetchText(playlist))) >= last(before) + 2,
        { timeoutMs: 8000, what: "two more segments during the outage" });
      assert.equal(pub.proc.exitCode, null, "the encoder is still connected");
    } finally {
      await backends.thawDatabase();
    }
    try {
      await waitFor(async () => (await server.api(`/v1/live-streams/${s.streamId}`)).status === 200,
        { timeoutMs: 10000, what: "the API answering again" });
      const got = await (await server.api(`/v1/live-streams/${s.streamId}`)).json();
      assert.equal(got.state, "live");
      await waitFor(async () => /^antcdn_streams\{state="live"\} 1$/m.test(
        await (await fetch(server.metricsUrl)).text()),
      { timeoutMs: 10000, what: "antcdn_streams back in /metrics" });
    } finally {
      pub.kill("SIGKILL");
    }
  });
