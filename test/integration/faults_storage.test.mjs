// Storage faults.
// (a) A disk that fills while a stream is live: the stream reaches `error` with
// a "disk full" reason within 10 s (a full disk is not retried like an
// outage), the API keeps answering, the node stops trying, and once space is
// back a new publish goes live again.
// (b) An object store that stops answering (Swift's S3 proxy frozen with
// SIGSTOP: connections accepted, nothing answered) while a viewer plays: the
// edge still serves what it has in memory, the API answers, and the stream
// goes on once the store answers again.
//
// The media directory (--storage file://…) sits on a small tmpfs; the data
// directory with the database stays on the ordinary disk, so the stream's
// state can still be recorded. Mounting needs root (as CI runs); elsewhere the
// test is skipped with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, openSync, writeSync, closeSync, rmSync, readFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup, SOURCE_DIR } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { clipForTests, ffmpegPublish, waitFor, haveTool, run } from "./lib/media.mjs";
import { parseMedia, fetchText, fetchObject } from "./lib/hls.mjs";
import { S3_ENV } from "./lib/cluster.mjs";

const clip = clipForTests({ seconds: 4, size: "320x240", gop: 30 });

// Mounts a tmpfs of `size` on a fresh directory; null (and why) if not permitted.
function mountTmpfs(size) {
  const dir = makeDataDir();
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) {
    cleanup(dir);
    return { why: `mount -t tmpfs not permitted here: ${(r.stderr || r.error?.message || "").trim()}` };
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", ["-l", dir]);
      cleanup(dir);
    },
  };
}

// Writes `file` until the file system refuses (ENOSPC), in big then page-sized
// chunks, so not even a small playlist fits afterwards.
function fill(file) {
  const fd = openSync(file, "w");
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          if (e.code !== "ENOSPC") throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const storageLines = (text) => text.split("\n").filter((l) => /storage: (put|remove)/.test(l)).length;

test("disk full: error with a disk-full reason within 10 s, no endless retries, recovery after",
  { timeout: 120000 }, async (t) => {
    const disk = mountTmpfs("24m");
    if (!disk.dir) {
      t.skip(disk.why);
      return;
    }
    const dataDir = makeDataDir();
    const media = path.join(disk.dir, "media");
    mkdirSync(media);
    const server = await new Server(dataDir, ["--storage", `file://${media}`]).start();
    let pub;
    try {
      const s = await createStream(server, { name: "disk-full", quality: "passthrough" });
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });

      const filler = path.join(disk.dir, "filler");
      fill(filler);
      const filledAt = Date.now();
      const failed = await waitState(server, s.streamId, "error", { timeoutMs: 20000 });
      const ms = Date.now() - filledAt;
      t.diagnostic(`disk full -> error in ${ms} ms`);
      assert.ok(ms < 10000, `error after ${ms} ms`);
      assert.match(failed.errorReason ?? "", /disk full/, `reason: ${failed.errorReason}`);
      assert.equal((await server.api(`/v1/live-streams/${s.streamId}`)).status, 200,
        "the API answers while the disk is full");

      // Nothing keeps retrying: the storage log goes quiet within a few seconds
      // (an outage-style retry would log and try again for five minutes).
      let last = -1;
      let stableSince = Date.now();
      await waitFor(() => {
        const n = storageLines(server.stderr);
        if (n !== last) {
          last = n;
          stableSince = Date.now();
        }
        return Date.now() - stableSince >= 3000;
      }, { timeoutMs: 15000, intervalMs: 200, what: "storage writes to stop being retried" });
      assert.match(server.stderr, /giving up: disk full/);

      // Space is back: the same stream goes live again.
      rmSync(filler);
      pub.kill("SIGKILL");
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
      const again = await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      assert.equal(again.state, "live");
    } finally {
      if (process.env.FAULTS_DEBUG) console.error(server.stderr);
      pub?.kill("SIGKILL");
      try {
        await server.stop();
      } finally {
        cleanup(dataDir);
        disk.unmount();  // even after a crash: no mount is left behind
      }
    }
  });

// A fetch that fails instead of hanging when nothing answers within `ms`.
async function fetchWithin(url, ms, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

test("object store frozen: cached segments still served, the API answers, the stream goes on after",
  { timeout: 180000 }, async (t) => {
    if (!haveTool("swift-proxy-server")) {
      t.skip("OpenStack Swift is not installed (swift-proxy-server)");
      return;
    }
    const swiftDir = path.join(makeDataDir(), "swift");
    const started = await run(path.join(SOURCE_DIR, "tools", "swift_loopback.sh"), ["start", swiftDir],
      { timeoutMs: 120000 });
    assert.equal(started.code, 0, `swift: ${started.stderr}`);
    const endpoint = started.stdout.trim();
    // The proxy is the S3 endpoint, last in the pids file, one process (workers = 0).
    const proxyPid = Number(readFileSync(path.join(swiftDir, "pids"), "utf8").trim().split("\n").at(-1));
    const dataDir = makeDataDir();
    const server = await new Server(dataDir,
      ["--storage", `s3://faults/media/?endpoint=${endpoint}&region=us-east-1`], { env: S3_ENV }).start();
    let pub;
    let frozen = false;
    try {
      const s = await createStream(server, { name: "store-frozen", quality: "passthrough" });
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      const playlist = s.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
      const base = playlist.replace(/index\.m3u8$/, "");
      const before = await waitFor(async () => {
        const r = await fetchObject(playlist);
        const p = r.status === 200 ? parseMedia(r.text()) : null;
        return p && p.segments.length >= 2 ? p : null;
      }, { timeoutMs: 30000, what: "two segments" });

      process.kill(proxyPid, "SIGSTOP");
      frozen = true;
      const frozenAt = Date.now();
      // Uploads now hang inside S3 requests; the viewer goes on from memory.
      // 5 s per request: an origin read would wait for S3's 15 s timeout.
      const during = parseMedia((await fetchWithin(playlist, 5000)).body.toString("utf8"));
      for (const uri of [during.maps.at(-1), ...during.segments.map((x) => x.uri)]) {
        const r = await fetchWithin(base + uri, 5000);
        assert.equal(r.status, 200, `${uri} served while the store is frozen`);
        assert.ok(r.body.length > 0, `${uri} has bytes`);
      }
      const api = await fetchWithin(`${server.apiBase}/v1/live-streams/${s.streamId}`, 5000,
        { headers: { "X-Api-Key": server.apiKey } });
      assert.equal(api.status, 200, "the API answers while the store is frozen");
      assert.equal(JSON.parse(api.body.toString("utf8")).state, "live");
      // Frozen for longer than a segment, so writes really queued up behind it.
      await waitFor(() => /failed, retrying/.test(server.stderr) || null,
        { timeoutMs: 30000, intervalMs: 250, what: "an upload to fail against the frozen store" });

      process.kill(proxyPid, "SIGCONT");
      frozen = false;
      t.diagnostic(`the store was frozen for ${Date.now() - frozenAt} ms`);
      const last = (p) => p.segments.at(-1)?.sequence ?? -1;
      await waitFor(async () => {
        const r = await fetchObject(playlist);
        return r.status === 200 && last(parseMedia(r.text())) >= last(before) + 3;
      }, { timeoutMs: 60000, intervalMs: 250, what: "new segments after the store answers again" });
      const got = await (await server.api(`/v1/live-streams/${s.streamId}`)).json();
      assert.equal(got.state, "live", "the stream went on");
    } finally {
      if (process.env.FAULTS_DEBUG) console.error(server.stderr);
      if (frozen) process.kill(proxyPid, "SIGCONT");
      pub?.kill("SIGKILL");
      try {
        await server.stop();
      } finally {
        cleanup(dataDir);
        await run(path.join(SOURCE_DIR, "tools", "swift_loopback.sh"), ["stop", swiftDir]);
        cleanup(path.dirname(swiftDir));
      }
    }
  });
