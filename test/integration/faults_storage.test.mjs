// Storage faults. A disk that fills while a stream is live: the stream reaches
// `error` with a "disk full" reason within 10 s (a full disk is not retried
// like an outage), the API keeps answering, the node stops trying, and once
// space is back a new publish goes live again.
//
// The media directory (--storage file://…) sits on a small tmpfs; the data
// directory with the database stays on the ordinary disk, so the stream's
// state can still be recorded. Mounting needs root (as CI runs); elsewhere the
// test is skipped with the reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, openSync, writeSync, closeSync, rmSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor } from "./lib/media.mjs";

let scratch;
let clip;

before(async () => {
  scratch = makeDataDir();
  clip = path.join(scratch, "clip.flv");
  await makeClip(clip, { seconds: 4, size: "320x240", gop: 30 });
});
after(() => cleanup(scratch));

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
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true });
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });

      const filler = path.join(disk.dir, "filler");
      fill(filler);
      const filledAt = Date.now();
      const failed = await waitState(server, s.streamId, "error", { timeoutMs: 20000 });
      const ms = Date.now() - filledAt;
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
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true });
      const again = await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      assert.equal(again.state, "live");
    } finally {
      pub?.kill("SIGKILL");
      await server.stop();
      cleanup(dataDir);
      disk.unmount();
    }
  });
