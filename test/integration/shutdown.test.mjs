// SIGTERM while streams are live: the server stops accepting, ends every
// session itself (ENDLIST in every rendition, transcoded ones included, state
// `ended` in the store) and exits 0, within --shutdown-timeout-seconds even
// when the object store does not answer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, haveTool, run } from "./lib/media.mjs";
import { parseMaster, parseMedia } from "./lib/hls.mjs";
import { startBackends, stopBackends, S3_ENV } from "./lib/cluster.mjs";

let clip;
let clipDir;

before(async () => {
  clipDir = makeDataDir();
  clip = path.join(clipDir, "source.flv");
  await makeClip(clip, { seconds: 4, size: "640x360", gop: 30 });
});
after(() => cleanup(clipDir));

// The playlists a stream's master names, read from the data dir (not the
// edge: the server is gone when they are checked).
function playlistsOnDisk(dir, edgeId) {
  const root = path.join(dir, "media", edgeId);
  const master = parseMaster(readFileSync(path.join(root, "master.m3u8"), "utf8"));
  const uris = [...master.variants.map((v) => v.uri), ...master.media.map((m) => m.URI)];
  return uris.map((uri) => ({ uri, file: path.join(root, uri), root }));
}

test("SIGTERM with a standard and a passthrough stream live: ENDLIST everywhere, state ended, exit 0",
  { timeout: 120000 }, async () => {
    const dir = makeDataDir();
    const server = await new Server(dir).start();
    const pubs = [];
    try {
      const streams = [
        await createStream(server, { name: "transcoded", quality: "standard" }),
        await createStream(server, { name: "copied", quality: "passthrough" }),
      ];
      for (const s of streams) {
        pubs.push(ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true }));
      }
      for (const s of streams) await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      for (const p of pubs) assert.equal(p.proc.exitCode, null, "still publishing at SIGTERM");

      const exit = await server.stop();  // throws unless the exit code is 0
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match(server.stderr, /shutdown complete/);

      for (const s of streams) {
        const lists = playlistsOnDisk(dir, s.edgeId);
        assert.ok(lists.length >= 2, `${s.edgeId}: video and audio playlists`);
        for (const { uri, file, root } of lists) {
          const p = parseMedia(readFileSync(file, "utf8"));
          assert.ok(p.ended && p.endlistIsLast, `${s.edgeId}/${uri}: ENDLIST written at shutdown`);
          assert.ok(p.segments.length > 0, `${s.edgeId}/${uri}: has segments`);
          const base = path.dirname(path.join(root, uri));
          for (const seg of p.segments) {
            assert.ok(existsSync(path.join(base, seg.uri)), `${uri}: listed ${seg.uri} exists`);
          }
        }
        if (haveTool("sqlite3")) {
          const q = await run("sqlite3", ["-readonly", path.join(dir, "antcdn.db"),
            `select state from streams where stream_id = '${s.streamId}'`]);
          assert.equal(q.stdout.trim(), "ended", `${s.streamId}: state saved by the shutdown`);
        }
      }
    } finally {
      for (const p of pubs) p.kill("SIGKILL");
      await server.stop().catch(() => {});
      cleanup(dir);
    }
  });

test("SIGTERM with the object store down: unwritten objects are logged and the exit keeps the deadline",
  { timeout: 180000 }, async () => {
    const backends = await startBackends();
    const dir = makeDataDir();
    const server = new Server(dir, ["--storage", backends.storageUrl("shutdown"),
      "--shutdown-timeout-seconds", "3"], { env: S3_ENV });
    let pub;
    try {
      await server.start();
      const s = await createStream(server, { name: "doomed", quality: "passthrough" });
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true });
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      await backends.killObjectStore();
      const sent = Date.now();
      const exit = await server.stop();
      const tookMs = Date.now() - sent;
      assert.deepEqual(exit, { code: 0, signal: null });
      // A bound on correctness, not speed: the deadline is 3 s; far above it
      // would mean the shutdown waited on the store after all.
      assert.ok(tookMs < 15000, `exited ${tookMs} ms after SIGTERM (deadline 3 s)`);
      assert.match(server.stderr, /were not written/, "what was lost is logged");
    } finally {
      pub?.kill("SIGKILL");
      await server.stop().catch(() => {});
      cleanup(dir);
      await stopBackends(backends);
    }
  });
