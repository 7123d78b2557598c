// Black-box tests of RTMP ingest: real publishers (ffmpeg, GStreamer's
// rtmp2sink, raw sockets) against the real binary. What ingest produced is read
// back from `--record-access-units DIR` and compared with what ffprobe finds in
// the very bytes that were published.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { makeDataDir, startServer, stopServer } from "./lib/server.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import {
  makeClip, probe, ffmpegPublish, startProcess, readRecording, summarize, waitFor,
  haveGstElement,
} from "./lib/media.mjs";

let server;
let dataDir;
let recDir;
let clipDir;
const clips = {};   // name -> file
const probes = {};  // name -> ffprobe summary

before(async () => {
  dataDir = makeDataDir();
  recDir = path.join(dataDir, "recordings");
  clipDir = path.join(dataDir, "clips");
  mkdirSync(recDir);
  mkdirSync(clipDir);
  // Generated once, published many times with -c copy, so that every recording
  // can be compared with ffprobe's view of the same bytes.
  clips.av4 = await makeClip(path.join(clipDir, "av4.flv"), { seconds: 4 });
  clips.av2 = await makeClip(path.join(clipDir, "av2.flv"), { seconds: 2 });
  probes.av4 = await probe(clips.av4);
  probes.av2 = await probe(clips.av2);
  ({ server } = await startServer({ dataDir, args: ["--record-access-units", recDir] }));
});

after(() => stopServer(server, dataDir));

// ---------------------------------------------------------------- helpers

// Waits until ingest has announced the tracks of the current session (and, if
// asked, recorded `minVideo` video AUs), i.e. media really flows.
function waitMedia(id, { minVideo = 1, timeoutMs = 10000 } = {}) {
  return waitFor(() => {
    const rec = readRecording(recDir, id);
    const cur = rec.last;
    if (!cur || cur.end !== null) return null;
    const s = summarize(cur);
    return s.video && s.videoAus.length >= minVideo ? s : null;
  }, { timeoutMs, what: `media of ${id} in the recording` });
}

function assertMonotonic(aus, label) {
  for (let i = 1; i < aus.length; i++) {
    assert.ok(aus[i].dts > aus[i - 1].dts,
      `${label}: dts not increasing at AU ${i}: ${aus[i - 1].dts} -> ${aus[i].dts}`);
  }
}

// The recorded session holds exactly the media of the probed file: same number
// of AUs per track, same sizes, same keyframes, same timestamps (up to one
// common offset), in order.
function assertSessionMatchesProbe(session, p, label) {
  const s = summarize(session);
  assert.ok(s.video, `${label}: a video track was announced`);
  assert.equal(s.video.width, p.video.width, `${label}: width`);
  assert.equal(s.video.height, p.video.height, `${label}: height`);
  assert.equal(s.videoAus.length, p.video.frames, `${label}: video AUs = ffprobe frames`);
  assert.equal(s.videoAus.filter((a) => a.key).length, p.video.keyframes, `${label}: keyframes`);
  assert.equal(s.videoAus[0].key, true, `${label}: first video AU is a keyframe`);
  assertMonotonic(s.videoAus, `${label} video`);
  if (p.audio) {
    assert.ok(s.audio, `${label}: an audio track was announced`);
    assert.equal(s.audio.sampleRate, p.audio.sampleRate, `${label}: sample rate`);
    assert.equal(s.audio.channels, p.audio.channels, `${label}: channels`);
    assert.equal(s.audioAus.length, p.audio.packets, `${label}: audio AUs = ffprobe packets`);
    assertMonotonic(s.audioAus, `${label} audio`);
  } else {
    assert.equal(s.audio, undefined, `${label}: no audio track`);
  }
  // One offset for both tracks: ingest may shift the timeline, never a track.
  const offset = s.videoAus[0].dts - p.video.list[0].dts;
  assert.deepEqual(
    s.videoAus.map((a) => [a.dts - offset, a.pts - offset, a.size, a.key]),
    p.video.list.map((x) => [x.dts, x.pts, x.size, x.key]),
    `${label}: video AUs (dts, pts, size, key) equal ffprobe's packets`);
  if (p.audio) {
    assert.deepEqual(
      s.audioAus.map((a) => [a.dts - offset, a.pts - offset, a.size]),
      p.audio.list.map((x) => [x.dts, x.pts, x.size]),
      `${label}: audio AUs (dts, pts, size) equal ffprobe's packets`);
  }
  assert.ok(s.videoAus.some((a) => a.pts > a.dts), `${label}: composition offsets carried (B-frames)`);
  return s;
}

const PUBLISH_DEADLINE_MS = 30000;
// Until packaging lands a publishing stream stays `connecting`; then it goes `live`.
const ON_AIR = ["connecting", "live"];

// --------------------------------------------------------------- the tests

test("ffmpeg publishes H.264+AAC: every access unit arrives, state idle -> connecting -> ended",
  { timeout: 60000 }, async () => {
    const s = await createStream(server);
    assert.equal(s.state, "idle");
    assert.equal(s.startedAt, null);
    assert.equal(readRecording(recDir, s.streamId).sessions.length, 0);

    const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.av4);
    const during = await waitState(server, s.streamId, "connecting");
    assert.equal(pub.proc.exitCode, null, "connecting was seen while ffmpeg was publishing");
    assert.match(during.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(during.endedAt, null);

    const r = await pub.wait(PUBLISH_DEADLINE_MS);
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 0, `ffmpeg failed: ${r.stderr}`);

    const ended = await waitState(server, s.streamId, "ended");
    assert.equal(ended.startedAt, during.startedAt);
    assert.match(ended.endedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(ended.endedAt) >= Date.parse(ended.startedAt));
    assert.equal(ended.errorReason, undefined);

    const rec = readRecording(recDir, s.streamId);
    assert.equal(rec.sessions.length, 1);
    assertSessionMatchesProbe(rec.last, probes.av4, "ffmpeg");
    assert.equal(rec.last.end, "clean");
  });

test("GStreamer rtmp2sink publishes and ends cleanly", { timeout: 60000 }, async (t) => {
  if (!haveGstElement("rtmp2sink")) {
    t.skip("GStreamer rtmp2sink is missing (gstreamer1.0-plugins-bad); cannot test a second RTMP client");
    return;
  }
  for (const e of ["videotestsrc", "x264enc", "h264parse", "flvmux"]) {
    assert.ok(haveGstElement(e), `GStreamer element ${e} is installed`);
  }
  const aac = ["avenc_aac", "voaacenc", "fdkaacenc"].find(haveGstElement);
  const s = await createStream(server);
  const copy = path.join(clipDir, "gst.flv");
  // Live sources pace the pipeline like a camera; a tee keeps a copy of the
  // exact FLV stream for ffprobe.
  const args = ["-q", "-e",
    "videotestsrc", "is-live=true", "num-buffers=60", "!",
    "video/x-raw,width=320,height=240,framerate=30/1", "!",
    "x264enc", "key-int-max=30", "speed-preset=ultrafast", "tune=zerolatency", "!", "h264parse", "!",
    "flvmux", "name=m", "streamable=true", "!", "tee", "name=t",
    "!", "queue", "!", "rtmp2sink", `location=${s.ingest.rtmpFullUrl}`,
    "t.", "!", "queue", "!", "filesink", `location=${copy}`];
  if (aac) {
    args.push("audiotestsrc", "is-live=true", "num-buffers=86", "!", "audioconvert", "!",
      aac, "!", "aacparse", "!", "m.");
  } else {
    t.diagnostic("no GStreamer AAC encoder (avenc_aac, voaacenc): publishing video only");
  }
  const gst = startProcess("gst-launch-1.0", args);
  const during = await waitState(server, s.streamId, "connecting");
  assert.equal(gst.proc.exitCode, null, "connecting was seen while GStreamer was publishing");
  const r = await gst.wait(PUBLISH_DEADLINE_MS);
  assert.equal(r.timedOut, false);
  // gst-launch exits 1 with "connection closed remotely" if the server hangs up
  // on rtmp2sink's FCUnpublish instead of letting it close.
  assert.equal(r.code, 0, `gst-launch failed: ${r.stdout}${r.stderr}`);
  const ended = await waitState(server, s.streamId, "ended");
  assert.equal(ended.startedAt, during.startedAt);
  assert.ok(ended.endedAt);

  const p = await probe(copy);
  assert.equal(p.video.frames, 60);
  const rec = readRecording(recDir, s.streamId);
  assert.equal(rec.sessions.length, 1);
  const sum = summarize(rec.last);
  assert.equal(rec.last.end, "clean");
  assert.equal(sum.video.width, 320);
  assert.equal(sum.video.height, 240);
  assert.equal(sum.videoAus.length, p.video.frames, "video AUs = ffprobe frames of the tee'd copy");
  assert.equal(sum.videoAus[0].key, true);
  assert.equal(sum.videoAus.filter((a) => a.key).length, p.video.keyframes);
  assertMonotonic(sum.videoAus, "gst video");
  if (aac) {
    assert.ok(sum.audio, "audio track announced");
    assert.equal(sum.audio.sampleRate, p.audio.sampleRate);
    assert.equal(sum.audioAus.length, p.audio.packets, "audio AUs = ffprobe packets of the tee'd copy");
    assertMonotonic(sum.audioAus, "gst audio");
  }
});

test("wrong keys are refused without touching any stream; 10 failures lock the address out",
  { timeout: 90000 }, async () => {
    // A server of its own: the lock-out would disturb every other test.
    const dir = makeDataDir();
    const rec = path.join(dir, "rec");
    mkdirSync(rec);
    const { server: srv } = await startServer({ dataDir: dir, args: ["--record-access-units", rec] });
    try {
      const a = await createStream(srv);
      const b = await createStream(srv);
      const base = a.ingest.rtmpUrl;
      // A key pasted into the server URL (the RTMP app), with CR/LF to forge a
      // log line: refused, and logged sanitised and redacted.
      const pasted = await ffmpegPublish(`${base}/x`, clips.av2, {
        re: false, extra: ["-rtmp_app", `live/${b.ingest.streamKey}\r\nforged [error] line`],
      }).wait(20000);
      assert.notEqual(pasted.code, 0, "an unknown application is refused");
      assert.match(srv.stderr, /unknown application 'live\/\[redacted\]\?\?forged \[error\] line'/);
      assert.doesNotMatch(srv.stderr, /^forged/m, "no forged log line");
      const wrong = [
        `${base}/sk_live_${"0".repeat(40)}`,
        `${base}/${a.ingest.streamKey.slice(0, -1)}`,  // one character short
        `${base}/${a.ingest.streamKey}x`,               // one character long
        `${base}/${a.ingest.streamKey.toUpperCase()}`,
        `${base}/`,                                     // no key at all
      ];
      for (let i = 0; i < 10; i++) {
        const r = await ffmpegPublish(wrong[i % wrong.length], clips.av2, { re: false }).wait(20000);
        assert.equal(r.timedOut, false);
        assert.notEqual(r.code, 0, `attempt ${i + 1} with a wrong key must fail`);
        assert.match(r.stderr, /unknown stream key/, `attempt ${i + 1}: ${r.stderr}`);
      }
      // The right key, from the same address, inside the same minute.
      const r = await ffmpegPublish(a.ingest.rtmpFullUrl, clips.av2, { re: false }).wait(20000);
      assert.notEqual(r.code, 0, "a valid key is refused while the address is locked out");
      assert.match(r.stderr, /too many failed stream key attempts/);

      for (const s of [a, b]) {
        const now = await getStream(srv, s.streamId);
        assert.equal(now.state, "idle");
        assert.equal(now.startedAt, null);
        assert.equal(now.endedAt, null);
        assert.equal(readRecording(rec, s.streamId).sessions.length, 0, "no session was started");
      }
      assert.doesNotMatch(srv.stderr, /is connecting/);
      // Twelve refusals of one address in a minute: five are logged.
      assert.equal(srv.stderr.match(/publish refused/g)?.length, 5, srv.stderr);
      // No key (right or wrong) reaches the log.
      assert.ok(!srv.stderr.includes(a.ingest.streamKey.slice(8)), "stream key not logged");
      assert.ok(!srv.stderr.includes(b.ingest.streamKey.slice(8)), "pasted key not logged");
      assert.ok(!srv.stderr.includes("0".repeat(40)), "wrong key not logged");
    } finally {
      await stopServer(srv, dir);
    }
  });

test("a second publisher on the same key is refused; the first goes on unharmed",
  { timeout: 60000 }, async () => {
    const s = await createStream(server);
    const first = ffmpegPublish(s.ingest.rtmpFullUrl, clips.av4);
    await waitState(server, s.streamId, ON_AIR);
    await waitMedia(s.streamId);

    const second = await ffmpegPublish(s.ingest.rtmpFullUrl, clips.av2, { re: false }).wait(20000);
    assert.equal(second.timedOut, false);
    assert.notEqual(second.code, 0, "the second publisher must be refused");
    assert.match(second.stderr, /already has a publisher/);
    assert.equal(first.proc.exitCode, null, "the first publisher still runs");
    assert.ok(ON_AIR.includes((await getStream(server, s.streamId)).state), "still on air");

    const r = await first.wait(PUBLISH_DEADLINE_MS);
    assert.equal(r.code, 0, `first publisher failed: ${r.stderr}`);
    await waitState(server, s.streamId, "ended");
    const rec = readRecording(recDir, s.streamId);
    assert.equal(rec.sessions.length, 1, "the refused publisher started no session");
    assertSessionMatchesProbe(rec.last, probes.av4, "first publisher");
    assert.equal(rec.last.end, "clean");
  });

test("forced key rotation disconnects the encoder and ends the stream; only the new key works",
  { timeout: 90000 }, async () => {
    const s = await createStream(server);
    const oldUrl = s.ingest.rtmpFullUrl;
    const pub = ffmpegPublish(oldUrl, clips.av4, { loop: true });
    await waitState(server, s.streamId, ON_AIR);
    await waitMedia(s.streamId, { minVideo: 10 });

    const plain = await server.api(`/v1/live-streams/${s.streamId}/rotate-key`, { method: "POST" });
    assert.equal(plain.status, 409);
    assert.equal((await plain.json()).error.code, "conflict");
    assert.equal(pub.proc.exitCode, null, "an unforced rotation leaves the encoder alone");
    assert.ok(ON_AIR.includes((await getStream(server, s.streamId)).state), "still on air");

    const forced = await server.api(`/v1/live-streams/${s.streamId}/rotate-key?force=true`,
      { method: "POST" });
    assert.equal(forced.status, 200);
    const rotated = await forced.json();
    assert.match(rotated.ingest.streamKey, /^sk_live_/);
    assert.notEqual(rotated.ingest.streamKey, s.ingest.streamKey);

    // The design says within 1 s; a loaded 2-core machine gets a generous bound.
    const r = await pub.wait(10000);
    assert.equal(r.timedOut, false, "ffmpeg was disconnected");
    assert.notEqual(r.code, 0, "ffmpeg saw its connection die");
    const ended = await waitState(server, s.streamId, "ended");
    assert.ok(ended.endedAt);
    const rec = readRecording(recDir, s.streamId);
    assert.equal(rec.sessions.length, 1);
    assert.equal(rec.last.end, "killed");
    assert.ok(summarize(rec.last).videoAus.length >= 10);

    const old = await ffmpegPublish(oldUrl, clips.av2, { re: false }).wait(20000);
    assert.notEqual(old.code, 0, "the old key is dead");
    assert.match(old.stderr, /unknown stream key/);
    assert.equal((await getStream(server, s.streamId)).state, "ended");

    const fresh = await ffmpegPublish(rotated.ingest.rtmpFullUrl, clips.av2).wait(PUBLISH_DEADLINE_MS);
    assert.equal(fresh.code, 0, `publishing on the new key failed: ${fresh.stderr}`);
    const again = await waitState(server, s.streamId, "ended");
    assert.ok(Date.parse(again.startedAt) >= Date.parse(ended.startedAt));
    const rec2 = readRecording(recDir, s.streamId);
    assert.equal(rec2.sessions.length, 2, "the new key started a new session");
    assertSessionMatchesProbe(rec2.last, probes.av2, "new key");
    assert.equal(rec2.last.end, "clean");
  });

test("three concurrent publishers on different streams all get their media through",
  { timeout: 60000 }, async () => {
    const streams = await Promise.all([1, 2, 3].map(() => createStream(server)));
    const pubs = streams.map((s) => ffmpegPublish(s.ingest.rtmpFullUrl, clips.av4));
    await Promise.all(streams.map((s) => waitState(server, s.streamId, ON_AIR)));
    const results = await Promise.all(pubs.map((p) => p.wait(PUBLISH_DEADLINE_MS)));
    results.forEach((r, i) => assert.equal(r.code, 0, `publisher ${i + 1}: ${r.stderr}`));
    for (const [i, s] of streams.entries()) {
      await waitState(server, s.streamId, "ended");
      const rec = readRecording(recDir, s.streamId);
      assert.equal(rec.sessions.length, 1);
      assertSessionMatchesProbe(rec.last, probes.av4, `publisher ${i + 1}`);
      assert.equal(rec.last.end, "clean");
    }
  });

test("unsupported codecs put the stream in error with a reason; the next publish starts afresh",
  { timeout: 90000 }, async () => {
    const h263 = await makeClip(path.join(clipDir, "h263.flv"),
      { seconds: 2, audio: false, vcodec: ["-c:v", "flv1"] });
    // (MP3 is converted to AAC: audio.test.mjs.)
    const nelly = await makeClip(path.join(clipDir, "nellymoser.flv"),
      { seconds: 2, acodec: ["-c:a", "nellymoser", "-ar", "44100", "-ac", "1"] });
    assert.equal((await probe(h263)).video.codec, "flv1");
    assert.equal((await probe(nelly)).audio.codec, "nellymoser");

    const s = await createStream(server);
    const cases = [
      [h263, /Sorenson H\.263/],
      [nelly, /Nellymoser/],
    ];
    for (const [clip, reason] of cases) {
      const r = await ffmpegPublish(s.ingest.rtmpFullUrl, clip).wait(PUBLISH_DEADLINE_MS);
      assert.equal(r.timedOut, false);
      assert.notEqual(r.code, 0, `${path.basename(clip)}: ffmpeg must be refused`);
      // The encoder is told why (NetStream.Publish.Failed), not just cut off.
      assert.match(r.stderr, reason, `${path.basename(clip)}: ffmpeg shows the server's reason`);
      const st = await waitState(server, s.streamId, "error");
      assert.match(st.errorReason, reason);
      assert.match(st.errorReason, /not supported/);
      assert.ok(st.endedAt, "endedAt set on error");
      const rec = readRecording(recDir, s.streamId);
      assert.equal(rec.last.end, "failed");
      assert.equal(summarize(rec.last).videoAus.length, 0, "nothing reached the pipeline");
    }
    assert.equal(server.proc.exitCode, null, "the server survived");

    const good = await ffmpegPublish(s.ingest.rtmpFullUrl, clips.av2).wait(PUBLISH_DEADLINE_MS);
    assert.equal(good.code, 0, good.stderr);
    const st = await waitState(server, s.streamId, "ended");
    assert.equal(st.errorReason, undefined, "the reason is cleared by the next session");
    const rec = readRecording(recDir, s.streamId);
    assert.equal(rec.sessions.length, 3);
    assertSessionMatchesProbe(rec.last, probes.av2, "after error");
    assert.equal(rec.last.end, "clean");
  });

// One raw TCP exchange with the RTMP port: connects, writes `parts` in order
// (a part may be a function of what was received so far), optionally half-closes,
// and resolves {data, closedByServer} when the server closes or after idleMs.
function rawRtmp(port, parts, { halfClose = true, idleMs = 5000, reset = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closedByServer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data, closedByServer });
    };
    const timer = setTimeout(() => finish(false), idleMs);
    sock.on("data", (d) => { data = Buffer.concat([data, d]); });
    sock.on("error", () => finish(true));
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("connect", async () => {
      for (const p of parts) {
        const bytes = typeof p === "function" ? await p(() => data) : p;
        if (!bytes) continue;
        if (!sock.write(bytes)) await new Promise((r) => sock.once("drain", r));
      }
      if (reset) sock.resetAndDestroy();
      else if (halfClose) sock.end();
    });
  });
}

test("hostile bytes on the RTMP port never take the server down", { timeout: 90000 }, async () => {
  const port = Number(new URL(server.rtmpUrl).port);
  const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(1528)]);  // plain handshake C1
  const awaitBytes = (n) => async (got) => {
    await waitFor(() => got().length >= n, { timeoutMs: 5000, what: `${n} handshake bytes` });
    return null;
  };
  // A valid handshake: S0 is version 3 and (plain handshake) S2 echoes C1.
  const hs = await rawRtmp(port, [Buffer.concat([Buffer.from([3]), c1]), awaitBytes(3073)],
    { halfClose: true });
  assert.ok(hs.data.length >= 3073, `S0+S1+S2 received (${hs.data.length} bytes)`);
  assert.equal(hs.data[0], 3);
  assert.ok(hs.data.subarray(1537, 3073).equals(c1), "S2 echoes C1");

  const garbage = [
    // Not RTMP at all: HTTP, TLS, random bytes.
    [[Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")], { halfClose: false }],
    [[Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), randomBytes(512)], { halfClose: false }],
    [[randomBytes(4096)], {}],
    // Truncated handshakes.
    [[Buffer.from([3])], {}],
    [[Buffer.concat([Buffer.from([3]), c1.subarray(0, 700)])], {}],
    [[Buffer.concat([Buffer.from([3]), c1])], {}],  // no C2
    // A valid handshake followed by garbage chunks.
    [[Buffer.concat([Buffer.from([3]), c1]), awaitBytes(3073), (got) => got().subarray(1, 1537),
      randomBytes(8192)], {}],
    // ... by a command chunk whose AMF0 body is garbage.
    [[Buffer.concat([Buffer.from([3]), c1]), awaitBytes(3073), (got) => got().subarray(1, 1537),
      // fmt 0, csid 3, length 64, type 20 (AMF0 command): a string marker whose
      // length runs past the body.
      Buffer.concat([Buffer.from([0x03, 0, 0, 0, 0, 0, 64, 20, 0, 0, 0, 0, 0x02, 0xff, 0xff]),
        Buffer.alloc(61, 0xab)])],
    { halfClose: false }],
    // ... by a chunk announcing a 16 MB message, then a reset.
    [[Buffer.concat([Buffer.from([3]), c1]), awaitBytes(3073), (got) => got().subarray(1, 1537),
      Buffer.from([0x04, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]), randomBytes(100)],
    { reset: true }],
  ];
  for (const [i, [parts, opts]] of garbage.entries()) {
    const r = await rawRtmp(port, parts, opts);
    if (!opts.reset) {
      assert.equal(r.closedByServer, true, `case ${i}: the server closed the connection`);
    }
    assert.equal(server.proc.exitCode, null, `case ${i}: server still running`);
  }
  // Many at once.
  await Promise.all(Array.from({ length: 50 }, (_, i) =>
    rawRtmp(port, [i % 2 ? randomBytes(2000) : Buffer.concat([Buffer.from([3]), randomBytes(3000)])])));

  assert.equal(server.proc.exitCode, null);
  const health = await server.api("/healthz", { key: null });
  assert.equal(health.status, 200);
  const s = await createStream(server);
  const r = await ffmpegPublish(s.ingest.rtmpFullUrl, clips.av2).wait(PUBLISH_DEADLINE_MS);
  assert.equal(r.code, 0, `a real publish after the garbage failed: ${r.stderr}`);
  await waitState(server, s.streamId, "ended");
  assertSessionMatchesProbe(readRecording(recDir, s.streamId).last, probes.av2, "after garbage");
});

// Supervisor::on_stopped decides what a TCP drop means (reason Dropped from ingest):
//  - the session never went live: Event::DropBeforeLive, the stream is `ended` at
//    once (no reconnect window) and the sink is closed like a normal end
//    (EndReason::Clean, so the playlists get ENDLIST);
//  - the session went live: Event::Drop, the stream is `connecting` again, the
//    sink hears EndReason::Dropped and the reconnect window runs; when it expires
//    the stream is `ended`.
async function killMidStream({ waitLive }) {
  const s = await createStream(server, { reconnectWindowSeconds: 2 });
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.av4, { loop: true });
  await waitState(server, s.streamId, ON_AIR);
  await waitMedia(s.streamId, { minVideo: 10 });
  if (waitLive) await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
  const before = await getStream(server, s.streamId);
  pub.kill("SIGKILL");
  const r = await pub.exited;
  assert.equal(r.signal, "SIGKILL");
  // Ingest saw a drop, not an unpublish.
  const line = await waitFor(() => server.stderr.split("\n")
    .find((l) => l.includes(`stream=${s.streamId} ended (`)), { what: "the ingest log line" });
  assert.match(line, /ended \(disconnected;/);
  return { s, before };
}

test("a publisher killed before its stream is live: ended at once, no reconnect window",
  { timeout: 60000 }, async () => {
    const { s, before } = await killMidStream({ waitLive: false });
    // 10 frames (a third of a second) in: no segment exists yet.
    assert.equal(before.state, "connecting");
    const ended = await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
    assert.ok(ended.endedAt);
    // The state is written on the lifecycle thread and the sink ends right
    // after: the API may answer `ended` a moment before the recording has it.
    await waitFor(() => readRecording(recDir, s.streamId).last?.end !== undefined,
      { what: "the sink to hear its end" });
    const rec = readRecording(recDir, s.streamId);
    assert.equal(rec.sessions.length, 1);
    assert.equal(rec.last.end, "clean", "DropBeforeLive closes the sink as a normal end");
    assert.equal(server.proc.exitCode, null);
  });

test("a publisher killed while live: connecting for the reconnect window, then ended",
  { timeout: 60000 }, async () => {
    const { s, before } = await killMidStream({ waitLive: true });
    assert.equal(before.state, "live");
    const dropped = await waitState(server, s.streamId, "connecting", { timeoutMs: 5000 });
    assert.equal(dropped.endedAt, null, "not ended while the window runs");
    const ends = () => readRecording(recDir, s.streamId).sessions.map((x) => x.end);
    await waitFor(() => ends()[0] === "dropped", { what: "the sink to hear Dropped" });
    // Nobody comes back within the 2 s window.
    const ended = await waitState(server, s.streamId, "ended", { timeoutMs: 15000 });
    assert.ok(ended.endedAt);
    assert.ok(Date.parse(ended.endedAt) >= Date.parse(ended.startedAt));
    assert.equal(server.proc.exitCode, null);
  });
