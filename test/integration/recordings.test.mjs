// Recordings (issue 16, docs/recordings.md): a session with a reconnect inside
// its window becomes one recording with one discontinuity; its VOD playlists
// and its MP4 play, every frame decodes, the duration is the media published;
// the MP4 answers Range requests; DELETE removes every object, on disk and in
// Swift (s3api); another API key never sees it. The two-session recordings
// publish a noisy, high-bitrate picture so that their MP4 (over 10 MiB) is
// streamed by the edge in several pieces and, on Swift, goes up as a
// multipart upload of several parts; no temp file of the remux is left.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { makeClip, ffmpegPublish, waitFor, haveTool } from "./lib/media.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { fetchObject, fetchText, parseMaster, parseMedia, decodes, probeStreams } from "./lib/hls.mjs";
import { startBackends, stopBackends, S3_ENV } from "./lib/cluster.mjs";
import { WebhookReceiver, verifySignature } from "./lib/webhook_receiver.mjs";

const FIRST_SECONDS = 4;
const SECOND_SECONDS = 4;
const SEGMENT_SECONDS = 2;
// What the edge reads from the store at a time (edge/store_body_source.h).
const EDGE_PIECE_BYTES = 2 * 1024 * 1024;
// --s3-part-size-mib for the Swift case: its least (S3's too).
const PART_MIB = 5;
let scratch;
let clips;
let noisy;

before(async () => {
  scratch = makeDataDir();
  clips = {
    first: await makeClip(path.join(scratch, "first.flv"), { seconds: FIRST_SECONDS, gop: 30 }),
    second: await makeClip(path.join(scratch, "second.flv"), { seconds: SECOND_SECONDS, gop: 30 }),
  };
  // Noise keeps x264 from compressing: about 14 Mbit/s, so ten seconds make a
  // 17 MB MP4 (several edge pieces, several 5 MiB parts).
  const vcodec = ["-vf", "noise=alls=15:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
    "-qp", "28", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p"];
  noisy = {
    first: await makeClip(path.join(scratch, "noisy-first.flv"),
      { seconds: FIRST_SECONDS, size: "640x360", vcodec }),
    second: await makeClip(path.join(scratch, "noisy-second.flv"),
      { seconds: SECOND_SECONDS, size: "640x360", vcodec }),
  };
});

// Files a remux left in `dir` (its staged MP4s are named ".download.mp4.~XXXXXX").
function stagedLeft(dir) {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true }).filter((f) => path.basename(f).startsWith(".download.mp4.~"))
    : [];
}

after(() => cleanup(scratch));

async function publish(url, clip) {
  const r = await ffmpegPublish(url, clip).wait(60000);
  assert.equal(r.code, 0, `ffmpeg publish: ${r.stderr}`);
}

// The stream's only recording once it is no longer `recording`.
async function finishedRecording(srv, streamId) {
  return waitFor(async () => {
    const res = await srv.api(`/v1/live-streams/${streamId}/recordings`);
    assert.equal(res.status, 200);
    const page = await res.json();
    const r = page.data[0];
    return r && r.state !== "recording" ? page : null;
  }, { timeoutMs: 60000, intervalMs: 200, what: "the recording to be finished" });
}

// An encoder that drops (killed after three live segments), comes back within
// the reconnect window and ends cleanly. Returns {stream, recording, liveSeconds}:
// liveSeconds is the session's media duration, the sum of the live playlist's
// segments (all of them: fewer than its window of 10).
async function recordTwoSessions(srv, { first, second } = noisy) {
  const stream = await createStream(srv, { name: "recorded", reconnectWindowSeconds: 10 });
  assert.deepEqual(stream.recording, { enabled: true, retentionDays: 7 });
  const live = stream.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
  const looping = ffmpegPublish(stream.ingest.rtmpFullUrl, first, { loop: true });
  try {
    await waitFor(async () => {
      const r = await fetchObject(live);
      return r.status === 200 && parseMedia(r.text()).segments.length >= 3;
    }, { timeoutMs: 30000, intervalMs: 100, what: "three live segments" });
  } finally {
    looping.kill("SIGKILL");
  }
  await waitState(srv, stream.streamId, "connecting", { timeoutMs: 10000 });
  await publish(stream.ingest.rtmpFullUrl, second);
  await waitState(srv, stream.streamId, "ended", { timeoutMs: 30000 });
  // The live playlist once its last write (ENDLIST) has landed.
  const liveText = await waitFor(async () => {
    const r = await fetchObject(live);
    return r.status === 200 && parseMedia(r.text()).ended ? r.text() : null;
  }, { timeoutMs: 15000, intervalMs: 200, what: "the live playlist's ENDLIST" });
  const played = parseMedia(liveText);
  assert.equal(played.discontinuities, 1, "the live playlist shows the reconnect");
  const liveSeconds = played.segments.reduce((t, seg) => t + seg.duration, 0);
  const page = await finishedRecording(srv, stream.streamId);
  assert.equal(page.data.length, 1, "a reconnect within the window stays in one recording");
  return { stream, recording: page.data[0], liveSeconds, liveText };
}

// Every object of a recording, as its playlists name them (+ the MP4).
async function recordingFiles(masterUrl) {
  const base = masterUrl.replace(/master\.m3u8$/, "");
  const master = parseMaster(await fetchText(masterUrl));
  const files = ["master.m3u8", "download.mp4"];
  const renditions = [...master.variants.map((v) => v.uri), ...master.media.map((m) => m.URI)]
    .filter(Boolean).map((uri) => uri.split("/")[0]);
  const playlists = {};
  for (const r of new Set(renditions)) {
    const text = await fetchText(`${base}${r}/index.m3u8`);
    playlists[r] = text;
    const pl = parseMedia(text);
    files.push(`${r}/index.m3u8`);
    for (const s of pl.segments) {
      files.push(`${r}/${s.uri}`);
      if (s.map && !files.includes(`${r}/${s.map}`)) files.push(`${r}/${s.map}`);
    }
  }
  return { files, playlists };
}

async function checkRecording(srv, { stream, recording, liveSeconds, liveText }, t) {
  assert.equal(recording.state, "ready");
  assert.match(recording.recordingId, /^rec_[0-9a-z]{26}$/);
  assert.equal(recording.streamId, stream.streamId);
  const hls = recording.playback.hlsUrl;
  assert.equal(hls, `${srv.edgeBase}/vod/${stream.edgeId}/${recording.recordingId}/master.m3u8`);
  assert.equal(recording.thumbnailUrl, hls.replace(/master\.m3u8$/, "thumbnail.jpg"));
  // Through another stream's edge id the recording is not there.
  const other = await createStream(srv, { name: "not the recording's" });
  for (const file of ["master.m3u8", "download.mp4", "thumbnail.jpg"]) {
    const foreign = await fetchObject(`${srv.edgeBase}/vod/${other.edgeId}/${recording.recordingId}/${file}`);
    assert.equal(foreign.status, 404, `${file} through another stream's edge id`);
  }

  const { files, playlists } = await recordingFiles(hls);
  // (files: every object of the recording, the MP4 included)
  for (const [name, text] of Object.entries(playlists)) {
    assert.match(text, /#EXT-X-PLAYLIST-TYPE:VOD/, `${name} is a VOD playlist`);
    assert.match(text, /#EXT-X-ENDLIST/, `${name} has ENDLIST`);
    assert.equal(text.match(/#EXT-X-DISCONTINUITY\n/g)?.length, 1,
      `${name}: one discontinuity, at the reconnect`);
    assert.equal(text.match(/#EXT-X-MAP/g)?.length, 2, `${name}: one init section per session`);
  }

  // The whole recording decodes, and lasts what was published, within a segment.
  const published = liveSeconds;
  assert.ok(published >= SECOND_SECONDS + 2 * SEGMENT_SECONDS, `${published} s published: ${liveText}`);
  const decoded = await decodes(hls);
  assert.ok(decoded.ok, `the HLS recording decodes: ${decoded.stderr}`);
  const probed = await probeStreams(hls);
  assert.ok(Math.abs(probed.duration - published) <= SEGMENT_SECONDS,
    `HLS duration ${probed.duration} s vs ${published} s published`);
  assert.ok(Math.abs(recording.durationSeconds - published) <= SEGMENT_SECONDS,
    `durationSeconds ${recording.durationSeconds} vs ${published}`);

  // The MP4: plays, same duration, video and audio, and Range requests.
  const mp4Url = recording.playback.mp4Url;
  assert.equal(mp4Url, hls.replace(/master\.m3u8$/, "download.mp4"));
  const whole = await fetchObject(mp4Url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get("content-type"), "video/mp4");
  assert.equal(whole.headers.get("accept-ranges"), "bytes");
  assert.equal(whole.headers.get("content-disposition"),
    `attachment; filename="${recording.recordingId}.mp4"`);
  const file = path.join(scratch, `${recording.recordingId}.mp4`);
  writeFileSync(file, whole.body);
  const mp4Decoded = await decodes(file);
  assert.ok(mp4Decoded.ok, `the MP4 decodes: ${mp4Decoded.stderr}`);
  const mp4 = await probeStreams(file);
  assert.ok(mp4.video && mp4.audio, "the MP4 has video and audio");
  assert.ok(Math.abs(mp4.duration - published) <= SEGMENT_SECONDS,
    `MP4 duration ${mp4.duration} s vs ${published} s published`);
  const size = whole.body.length;
  t?.diagnostic(`session ${published.toFixed(3)} s (live playlist); recording ${recording.durationSeconds} s; ` +
    `HLS ${probed.duration} s by ffprobe; MP4 ${mp4.duration} s, ${size} bytes; ${files.length} objects`);
  assert.ok(size > 2 * EDGE_PIECE_BYTES + 4096, `an MP4 of several edge pieces: ${size} bytes`);
  const partBytes = PART_MIB * 1024 * 1024;
  // Across a boundary of the edge's pieces (they start where the range does)
  // and across a boundary of the multipart upload's parts.
  for (const [range, first, last] of [["bytes=100-199", 100, 199], ["bytes=-50", size - 50, size - 1],
    [`bytes=${size - 10}-`, size - 10, size - 1], [`bytes=${size - 5}-${size + 100}`, size - 5, size - 1],
    [`bytes=1000-${1000 + EDGE_PIECE_BYTES + 4999}`, 1000, 1000 + EDGE_PIECE_BYTES + 4999],
    [`bytes=${partBytes - 3000}-${partBytes + 2999}`, partBytes - 3000, partBytes + 2999]]) {
    const res = await fetch(mp4Url, { headers: { Range: range } });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 206, range);
    assert.equal(res.headers.get("content-range"), `bytes ${first}-${last}/${size}`, range);
    assert.deepEqual(body, whole.body.subarray(first, last + 1), range);
  }
  const refused = await fetch(mp4Url, { headers: { Range: `bytes=${size}-` } });
  assert.equal(refused.status, 416);
  assert.equal(refused.headers.get("content-range"), `bytes */${size}`);
  await refused.arrayBuffer();
  const head = await fetch(mp4Url, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(size));
  return { files, mp4: whole.body };
}

async function deleteRecording(srv, recording, files) {
  const base = recording.playback.hlsUrl.replace(/master\.m3u8$/, "");
  const res = await srv.api(`/v1/recordings/${recording.recordingId}`, { method: "DELETE" });
  assert.equal(res.status, 204);
  assert.equal((await srv.api(`/v1/recordings/${recording.recordingId}`)).status, 404);
  for (const f of files) {
    assert.equal((await fetchObject(base + f)).status, 404, `${f} is gone from the edge`);
  }
}

test("disk: one recording across a reconnect; HLS and MP4 play; Range; delete removes every object", async (t) => {
  const srv = await new Server(makeDataDir(), ["--webhooks-allow-private"]).start();
  const receiver = await new WebhookReceiver().start();
  try {
    const hook = await (await srv.api("/v1/webhooks", { method: "POST",
      body: { url: `${receiver.url}/rec`, events: ["recording.ready", "recording.deleted"] } })).json();
    const recorded = await recordTwoSessions(srv);
    const { stream, recording } = recorded;
    const { files, mp4 } = await checkRecording(srv, recorded, t);
    const folder = path.join(srv.dataDir, "media", "recordings", recording.recordingId);
    for (const f of files) assert.ok(existsSync(path.join(folder, f)), `${f} is on disk`);
    // The edge streamed exactly the stored file; the remux's staged file was
    // renamed into place, nothing is left in the staging directory.
    assert.ok(readFileSync(path.join(folder, "download.mp4")).equals(mp4),
      "the download is the stored MP4, byte for byte");
    assert.deepEqual(stagedLeft(path.join(srv.dataDir, "media")), [], "no staged file left");

    // GET one; another key sees neither it nor the stream's list.
    const one = await srv.api(`/v1/recordings/${recording.recordingId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(await one.json(), recording);
    const otherKey = srv.keys("create", "--name", "other").trim();
    const hidden = await srv.api(`/v1/recordings/${recording.recordingId}`, { key: otherKey });
    assert.equal(hidden.status, 404);
    assert.equal((await hidden.json()).error.code, "not_found");
    const hiddenList = await srv.api(`/v1/live-streams/${stream.streamId}/recordings`, { key: otherKey });
    assert.equal(hiddenList.status, 404);
    assert.equal((await srv.api(`/v1/recordings/${recording.recordingId}`,
      { method: "DELETE", key: otherKey })).status, 404);

    // recording.ready came signed, with the recording as `data`.
    const [ready] = await receiver.waitFor((d) => d.event.type === "recording.ready");
    assert.ok(verifySignature(ready.headers["antcdn-signature"], hook.secret, ready.raw));
    assert.deepEqual(ready.event.data, recording);

    await deleteRecording(srv, recording, files);
    const [deleted] = await receiver.waitFor((d) => d.event.type === "recording.deleted");
    assert.equal(deleted.event.data.recordingId, recording.recordingId);
    assert.equal(receiver.deliveries.length, 2, "only the subscribed types");
    const left = existsSync(folder)
      ? readdirSync(folder, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()) : [];
    assert.deepEqual(left.map((d) => d.name), [], "no file of the recording is left on disk");
  } finally {
    await receiver.stop();
    await srv.stop();
    cleanup(srv.dataDir);
  }
});

test("recording disabled records nothing; PATCH turns it on; deleting the stream deletes its recordings", async () => {
  const srv = await new Server(makeDataDir(), ["--recording-retention-days", "3"]).start();
  try {
    const stream = await createStream(srv, { name: "unrecorded", reconnectWindowSeconds: 0,
      recording: { enabled: false } });
    assert.deepEqual(stream.recording, { enabled: false, retentionDays: 3 });
    await publish(stream.ingest.rtmpFullUrl, clips.second);
    await waitState(srv, stream.streamId, "ended", { timeoutMs: 30000 });
    const list = await (await srv.api(`/v1/live-streams/${stream.streamId}/recordings`)).json();
    assert.deepEqual(list, { data: [], nextCursor: null });
    const patched = await srv.api(`/v1/live-streams/${stream.streamId}`, {
      method: "PATCH", body: { recording: { enabled: true, retentionDays: 30 } } });
    assert.equal(patched.status, 200);
    assert.deepEqual((await patched.json()).recording, { enabled: true, retentionDays: 30 });
    const bad = await srv.api(`/v1/live-streams/${stream.streamId}`, {
      method: "PATCH", body: { recording: { retentionDays: 0 } } });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "invalid_request");

    // Recorded from the next session on; deleting the stream deletes its recordings.
    await publish(`${srv.rtmpUrl}/${stream.ingest.streamKey}`, clips.second);
    const page = await finishedRecording(srv, stream.streamId);
    const recording = page.data[0];
    assert.equal(recording.state, "ready");
    const folder = path.join(srv.dataDir, "media", "recordings", recording.recordingId);
    assert.ok(existsSync(path.join(folder, "download.mp4")));
    assert.equal((await srv.api(`/v1/live-streams/${stream.streamId}`, { method: "DELETE" })).status, 204);
    assert.equal((await srv.api(`/v1/recordings/${recording.recordingId}`)).status, 404);
    const left = existsSync(folder)
      ? readdirSync(folder, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()) : [];
    assert.deepEqual(left.map((d) => d.name), [], "the stream's recording is gone from disk");
  } finally {
    await srv.stop();
    cleanup(srv.dataDir);
  }
});

test("Swift (s3api) and PostgreSQL: recorded, the MP4 uploaded in parts, played, deleted with every object",
  { skip: !haveTool("swift-proxy-server") && "no Swift" }, async (t) => {
    const backends = await startBackends();
    // The remux stages its MP4 in the system's temp directory (not disk
    // storage): a folder of this server's own, to find what it left.
    const tmp = path.join(scratch, "server-tmp");
    mkdirSync(tmp, { recursive: true });
    const srv = await new Server(makeDataDir(), ["--database", backends.postgresUrl,
      "--storage", backends.storageUrl("recordings"), "--s3-part-size-mib", String(PART_MIB)],
    { env: { ...S3_ENV, TMPDIR: tmp } }).start();
    try {
      const recorded = await recordTwoSessions(srv);
      const { stream, recording } = recorded;
      const { files, mp4 } = await checkRecording(srv, recorded, t);
      const parts = Math.ceil(mp4.length / (PART_MIB * 1024 * 1024));
      assert.ok(parts >= 2, `a multipart upload: ${mp4.length} bytes in ${parts} parts`);
      assert.deepEqual(stagedLeft(tmp), [], "no staged file left");
      const before = backends.storedObjects();
      await deleteRecording(srv, recording, files);
      // Swift keeps a multipart object as a manifest and one object per part:
      // deleting the recording removes those too.
      assert.equal(backends.storedObjects(), before - files.length - parts,
        `the ${files.length} objects of the recording and the MP4's ${parts} parts are gone from Swift`);
      // Deleting the stream deletes the rest of its recordings too.
      const gone = await srv.api(`/v1/live-streams/${stream.streamId}`, { method: "DELETE" });
      assert.equal(gone.status, 204);
    } finally {
      await srv.stop();
      cleanup(srv.dataDir);
      await stopBackends(backends);
    }
  });

test("a node killed while recording marks it failed when it starts again; SIGTERM finishes it",
  { timeout: 120000 }, async () => {
    const dir = makeDataDir();
    const running = [];
    try {
      const a = await new Server(dir, []).start();
      running.push(a);
      const s = await createStream(a, { name: "crash" });
      const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.first, { loop: true });
      running.push({ stop: () => pub.kill("SIGKILL") });
      await waitState(a, s.streamId, "live", { timeoutMs: 20000 });
      const open = (await (await a.api(`/v1/live-streams/${s.streamId}/recordings`)).json()).data[0];
      assert.equal(open.state, "recording");
      a.proc.kill("SIGKILL");
      await a.exited;
      pub.kill("SIGKILL");

      const b = await new Server(dir, []).start();
      running.push(b);
      b.apiKey = a.apiKey;
      const after = await (await b.api(`/v1/recordings/${open.recordingId}`)).json();
      assert.equal(after.state, "failed", "no recording stays `recording` after its node died");
      assert.ok(after.endedAt);

      // SIGTERM while on air: the shutdown finishes the recording (ready, with its MP4).
      // (Each start listens on new ports.)
      const pub2 = ffmpegPublish(`${b.rtmpUrl}/${s.ingest.streamKey}`, clips.first, { loop: true });
      running.push({ stop: () => pub2.kill("SIGKILL") });
      await waitState(b, s.streamId, "live", { timeoutMs: 20000 });
      await waitFor(async () => (await fetchObject(`${b.edgeBase}/live/${s.edgeId}/source/index.m3u8`))
        .status === 200, { timeoutMs: 20000, what: "a live segment" });
      await b.stop();
      pub2.kill("SIGKILL");
      const c = await new Server(dir, []).start();
      running.push(c);
      c.apiKey = a.apiKey;
      const list = (await (await c.api(`/v1/live-streams/${s.streamId}/recordings`)).json()).data;
      assert.equal(list.length, 2);
      assert.equal(list[0].state, "ready", "finished by the shutdown");
      assert.ok(list[0].playback.mp4Url);
      assert.equal(list[1].recordingId, open.recordingId);
    } finally {
      for (const r of running.reverse()) await r.stop?.();
      cleanup(dir);
    }
  });

test("a transcoded stream records every rendition; the MP4 is the top one with the audio", async (t) => {
  const srv = await new Server(makeDataDir(), []).start();
  try {
    const source = await makeClip(path.join(scratch, "ladder.flv"), { seconds: 4, size: "854x480", gop: 60 });
    const stream = await createStream(srv, { name: "ladder", quality: "standard", reconnectWindowSeconds: 0 });
    await publish(stream.ingest.rtmpFullUrl, source);
    const [recording] = (await finishedRecording(srv, stream.streamId)).data;
    assert.equal(recording.state, "ready");
    const master = parseMaster(await fetchText(recording.playback.hlsUrl));
    const heights = master.variants.map((v) => Number(v.attrs.RESOLUTION.split("x")[1]));
    assert.ok(heights.length >= 2, `a ladder: ${heights}`);
    assert.equal(master.media.length, 1, "one audio rendition");
    const decoded = await decodes(recording.playback.hlsUrl);
    assert.ok(decoded.ok, decoded.stderr);
    const file = path.join(scratch, `${recording.recordingId}.mp4`);
    writeFileSync(file, (await fetchObject(recording.playback.mp4Url)).body);
    const mp4 = await probeStreams(file);
    assert.equal(mp4.video.height, Math.max(...heights), "the top rendition");
    assert.equal(mp4.audio.codec, "aac");
    assert.ok((await decodes(file)).ok);
    t.diagnostic(`renditions ${heights.join("/")}p; recording ${recording.durationSeconds} s; ` +
      `MP4 ${mp4.video.width}x${mp4.video.height} ${mp4.duration} s`);
  } finally {
    await srv.stop();
    cleanup(srv.dataDir);
  }
});
