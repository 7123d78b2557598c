// Low-latency HLS at the edge (docs/architecture.md, "Low-latency HLS")
// against the real binary and a real ffmpeg RTMP publish: the media playlists
// carry parts no longer than PART-TARGET, every part is served and decodes, a
// segment is exactly its parts, blocking playlist reloads are answered once
// the asked part exists (400 when too far ahead or malformed), a request for
// the hinted part is held until the part exists, and delta updates skip old
// segments. Every wait polls for the event, with a timeout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, stopServer } from "./lib/server.mjs";
import { clipForTests, ffmpegPublish, waitFor } from "./lib/media.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { edgeUrl, fetchObject, parseAttributes, videoPackets } from "./lib/hls.mjs";

// 320x240 at 30 fps, a keyframe every second, AAC; looped.
const clip = clipForTests({ seconds: 4, size: "320x240", rate: 30, gop: 30 });

let server;
let dataDir;

before(async () => {
  ({ server, dataDir } = await startServer());
});
after(() => stopServer(server, dataDir));

// The LL-HLS view of a media playlist: header tags, whole segments with their
// parts, the parts of the segment in progress, the preload hint.
function parseLowLatency(text) {
  const out = { serverControl: null, partTarget: null, mediaSequence: 0, segments: [], partial: [],
    hint: null, reports: [], skipped: 0 };
  let parts = [];
  let extinf = null;
  for (const l of text.split("\n")) {
    if (l.startsWith("#EXT-X-SERVER-CONTROL:")) out.serverControl = parseAttributes(l.slice(22));
    else if (l.startsWith("#EXT-X-PART-INF:")) out.partTarget = Number(parseAttributes(l.slice(16))["PART-TARGET"]);
    else if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) out.mediaSequence = Number(l.slice(22));
    else if (l.startsWith("#EXT-X-SKIP:")) out.skipped = Number(parseAttributes(l.slice(12))["SKIPPED-SEGMENTS"]);
    else if (l.startsWith("#EXT-X-PART:")) {
      const a = parseAttributes(l.slice(12));
      parts.push({ uri: a.URI, duration: Number(a.DURATION), independent: a.INDEPENDENT === "YES" });
    } else if (l.startsWith("#EXTINF:")) extinf = Number(l.slice(8).split(",")[0]);
    else if (l.startsWith("#EXT-X-PRELOAD-HINT:")) out.hint = parseAttributes(l.slice(20)).URI;
    else if (l.startsWith("#EXT-X-RENDITION-REPORT:")) out.reports.push(parseAttributes(l.slice(24)));
    else if (l.length > 0 && !l.startsWith("#")) {
      out.segments.push({ uri: l, duration: extinf, parts });
      parts = [];
    }
  }
  out.partial = parts;
  out.nextMsn = out.mediaSequence + out.skipped + out.segments.length;
  return out;
}

async function playlistOf(url) {
  const r = await fetchObject(url);
  assert.equal(r.status, 200, `${url}: ${r.text()}`);
  return { text: r.text(), ll: parseLowLatency(r.text()), headers: r.headers };
}

async function liveStream(t) {
  const s = await createStream(server, { reconnectWindowSeconds: 0 });
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
  t.after(() => pub.kill("SIGKILL"));
  await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
  return { s, base: edgeUrl(server.edgeBase, s.edgeId, "") };
}

test("parts, blocking reloads, the preload hint and delta updates", async (t) => {
  const { base } = await liveStream(t);
  const videoUrl = `${base}source/index.m3u8`;
  const audioUrl = `${base}audio/index.m3u8`;

  // Tags and parts in both renditions.
  const first = await waitFor(async () => {
    const p = (await playlistOf(videoUrl)).ll;
    return p.segments.length >= 2 ? p : null;
  }, { timeoutMs: 20000, what: "two whole segments" });
  assert.equal(first.partTarget, 0.5);
  assert.equal(first.serverControl["CAN-BLOCK-RELOAD"], "YES");
  assert.ok(Number(first.serverControl["PART-HOLD-BACK"]) >= 3 * first.partTarget);
  assert.ok(Number(first.serverControl["CAN-SKIP-UNTIL"]) >= 6 * 2);
  assert.ok(first.hint, "a preload hint");
  assert.equal(first.reports.length, 1);
  assert.equal(first.reports[0].URI, "../audio/index.m3u8");
  for (const url of [videoUrl, audioUrl]) {
    const p = (await playlistOf(url)).ll;
    const parts = [...p.segments.flatMap((s) => s.parts), ...p.partial];
    assert.ok(parts.length >= 4, `${url} lists parts`);
    for (const part of parts) {
      assert.ok(part.duration > 0 && part.duration <= p.partTarget, `${part.uri}: ${part.duration} s`);
    }
    assert.ok(parts[0].independent || url === videoUrl);
  }

  // A segment is its parts (behind one styp), and its parts decode.
  const whole = first.segments.find((s) => s.parts.length > 0);
  assert.ok(whole, "a whole segment that lists its parts");
  const segment = await fetchObject(`${base}source/${whole.uri}`);
  assert.equal(segment.status, 200);
  const partBodies = [];
  for (const part of whole.parts) {
    const r = await fetchObject(`${base}source/${part.uri}`);
    assert.equal(r.status, 200, part.uri);
    assert.equal(r.headers.get("content-type"), "video/iso.segment");
    assert.match(r.headers.get("cache-control"), /immutable/);
    partBodies.push(r.body);
  }
  const joined = Buffer.concat(partBodies);
  assert.ok(segment.body.subarray(segment.body.length - joined.length).equals(joined),
    "the segment ends with its parts, byte for byte");
  const duration = whole.parts.reduce((sum, p) => sum + p.duration, 0);
  assert.ok(Math.abs(duration - whole.duration) < 0.01, `parts ${duration} s, EXTINF ${whole.duration} s`);
  const init = await fetchObject(`${base}source/${(await playlistOf(videoUrl)).text.match(/#EXT-X-MAP:URI="([^"]+)"/)[1]}`);
  const dir = mkdtempSync(path.join(tmpdir(), "antcdn-ll-"));
  const file = path.join(dir, "parts.mp4");
  writeFileSync(file, Buffer.concat([init.body, joined]));
  const packets = await videoPackets(file);
  assert.ok(packets.length >= 25, `parts of a ~1-2 s segment hold its frames (${packets.length})`);

  // Blocking reload: the next part, answered once it exists.
  const now = (await playlistOf(videoUrl)).ll;
  const wantPart = now.partial.length;
  const blocked = await fetchObject(`${videoUrl}?_HLS_msn=${now.nextMsn}&_HLS_part=${wantPart}`);
  assert.equal(blocked.status, 200);
  assert.equal(blocked.headers.get("cache-control"), "public, max-age=6");
  const after = parseLowLatency(blocked.text());
  assert.ok(after.nextMsn > now.nextMsn || after.partial.length > wantPart,
    `msn ${now.nextMsn} part ${wantPart}: got msn ${after.nextMsn} with ${after.partial.length} parts`);

  // Too far ahead, or malformed: 400 at once.
  for (const q of [`_HLS_msn=${now.nextMsn + 3}`, `_HLS_msn=${now.nextMsn}&_HLS_part=${wantPart + 9}`,
    "_HLS_part=1", "_HLS_msn=x", "_HLS_msn=1&_HLS_skip=NO"]) {
    const r = await fetchObject(`${videoUrl}?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.status} ${r.text()}`);
  }

  // The hinted part, asked before it exists, is sent once it does.
  const hinted = (await playlistOf(audioUrl)).ll.hint;
  const part = await fetchObject(`${base}audio/${hinted}`);
  assert.equal(part.status, 200, `${hinted}: ${part.text()}`);
  assert.ok(part.body.length > 0);
  const listed = (await playlistOf(audioUrl)).text;
  assert.ok(listed.includes(`URI="${hinted}"`), "the part the hint named is listed now");

  // Delta update: once more than CAN-SKIP-UNTIL is listed, old segments are skipped.
  const full = await waitFor(async () => {
    const p = await playlistOf(videoUrl);
    return p.ll.segments.reduce((sum, s) => sum + s.duration, 0) > 16 ? p : null;
  }, { timeoutMs: 30000, what: "more than 16 s of segments" });
  const delta = await fetchObject(`${videoUrl}?_HLS_skip=YES`);
  assert.equal(delta.status, 200);
  const d = parseLowLatency(delta.text());
  assert.ok(d.skipped >= 1, delta.text());
  assert.match(delta.text(), /#EXT-X-VERSION:9\n/);
  const kept = d.segments.reduce((sum, s) => sum + s.duration, 0);
  assert.ok(kept >= 12, `what stays covers CAN-SKIP-UNTIL (${kept} s)`);
  assert.ok(d.segments.length < full.ll.segments.length + 2);
});
