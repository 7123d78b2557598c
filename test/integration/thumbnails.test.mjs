// Thumbnails (issue 16, point 4): /live/{edgeId}/thumbnail.jpg renders the
// newest keyframe of the top rendition as a JPEG. A real ffmpeg publishes a
// small clip; what comes back is decoded with ffprobe. Every wait is a poll
// with a deadline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor, run } from "./lib/media.mjs";
import { fetchObject, edgeUrl } from "./lib/hls.mjs";

let server;
let dataDir;
let clip;

before(async () => {
  dataDir = makeDataDir();
  clip = await makeClip(path.join(dataDir, "clip.flv"), { seconds: 4, size: "320x240", rate: 30, gop: 30 });
  // A short hold, so that an ended stream turns idle within the test.
  server = await new Server(dataDir, ["--ended-hold-seconds", "2"]).start();
});

after(async () => {
  if (process.env.ANTCDN_TEST_LOGS) console.error(server?.stderr);
  await server?.stop();
  cleanup(dataDir);
});

const thumbnailUrl = (s, query = "") => edgeUrl(server.edgeBase, s.edgeId, `thumbnail.jpg${query}`);

// The picture size ffprobe decodes from a JPEG body.
async function jpegSize(body, name) {
  const file = path.join(dataDir, name);
  writeFileSync(file, body);
  const r = await run("ffprobe", ["-v", "error", "-select_streams", "v:0",
    "-show_entries", "stream=codec_name,width,height", "-of", "json", file]);
  assert.equal(r.code, 0, `ffprobe ${name}: ${r.stderr}`);
  const [s] = JSON.parse(r.stdout).streams;
  return { codec: s.codec_name, width: s.width, height: s.height };
}

async function getJpeg(url, label) {
  const r = await fetchObject(url);
  assert.equal(r.status, 200, `${label}: ${r.text()}`);
  assert.equal(r.headers.get("content-type"), "image/jpeg", `${label}: Content-Type`);
  assert.equal(r.headers.get("cache-control"), "public, max-age=2", `${label}: Cache-Control`);
  assert.equal(r.headers.get("access-control-allow-origin"), "*", `${label}: CORS`);
  return r;
}

test("unknown streams and streams that never published have no thumbnail", async () => {
  const unknown = "lse_" + Array.from(randomBytes(26), (b) => "0123456789abcdefghjkmnpqrstvwxyz"[b % 32]).join("");
  const r = await fetchObject(`${server.edgeBase}/live/${unknown}/thumbnail.jpg?width=160`);
  assert.equal(r.status, 404);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  const idle = await createStream(server);
  assert.equal((await fetchObject(thumbnailUrl(idle))).status, 404);
});

test("a live stream's thumbnail decodes at the asked width, the source width by default", async () => {
  const s = await createStream(server);
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip, { loop: true });
  try {
    await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
    // The first segment may still be on its way to the edge's storage.
    await waitFor(async () => (await fetchObject(thumbnailUrl(s))).status === 200,
      { timeoutMs: 10000, what: "a first thumbnail" });

    const small = await getJpeg(thumbnailUrl(s, "?width=160"), "width=160");
    assert.deepEqual(await jpegSize(small.body, "w160.jpg"), { codec: "mjpeg", width: 160, height: 120 });
    const full = await getJpeg(thumbnailUrl(s), "default width");
    assert.deepEqual(await jpegSize(full.body, "full.jpg"), { codec: "mjpeg", width: 320, height: 240 });
    // Never above the source width.
    const wide = await getJpeg(thumbnailUrl(s, "?width=4000"), "width=4000");
    assert.deepEqual(await jpegSize(wide.body, "wide.jpg"), { codec: "mjpeg", width: 320, height: 240 });

    for (const bad of ["?width=abc", "?width=0", "?width=-20", "?width=99999", "?width="]) {
      const r = await fetchObject(thumbnailUrl(s, bad));
      assert.equal(r.status, 400, `${bad}: ${r.text()}`);
    }
    const head = await fetchObject(thumbnailUrl(s, "?width=160"), { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(small.body.length));
  } finally {
    pub.kill();
    await pub.wait(10000);
  }
  // Ended, then idle: the last segment stays in storage until the next
  // session, and so does the picture (the viewer page's poster).
  await waitState(server, s.streamId, ["ended", "idle"], { timeoutMs: 20000 });
  const last = await getJpeg(thumbnailUrl(s, "?width=160"), "ended");
  assert.deepEqual(await jpegSize(last.body, "ended.jpg"), { codec: "mjpeg", width: 160, height: 120 });
  await waitState(server, s.streamId, "idle", { timeoutMs: 10000 });
  const idle = await getJpeg(thumbnailUrl(s, "?width=200"), "idle after a broadcast");
  assert.deepEqual(await jpegSize(idle.body, "idle.jpg"), { codec: "mjpeg", width: 200, height: 150 });
  // The media itself is hidden once idle; only the picture is kept.
  assert.equal((await fetchObject(edgeUrl(server.edgeBase, s.edgeId, "master.m3u8"))).status, 404);
});
