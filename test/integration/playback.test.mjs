// Black-box playback tests: ffmpeg publishes generated clips over RTMP to the
// real binary, and everything is checked from the outside: the API's states,
// the edge's playlists, headers and objects, and what ffmpeg/ffprobe make of
// the downloaded media compared with the very clip that was published.
// Every wait is a poll with a deadline; nothing sleeps in place of an event.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor, run, haveTool } from "./lib/media.mjs";
import {
  parseMaster, parseMedia, sessionOf, fetchObject, fetchText, rawRequest, edgeUrl,
  waitPlaylist, downloadSessions, decodes, probeStreams, videoPackets, avc1Pattern,
} from "./lib/hls.mjs";

let server;
let dataDir;
let clipDir;
let workDir;
const clips = {};  // name -> {file, info (probeStreams), packets (video), gopS, seconds}
let lifecycleStream;  // an ended stream with media, left by the lifecycle test

const RENDITIONS = ["source", "audio"];
const PUBLISH_DEADLINE_MS = 30000;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const AAC48 = ["-c:a", "aac", "-b:a", "64k", "-ar", "48000"];

async function clip(name, opts) {
  const file = await makeClip(path.join(clipDir, `${name}.flv`), { acodec: AAC48, ...opts });
  clips[name] = {
    file, info: await probeStreams(file), packets: await videoPackets(file),
    gopS: opts.gop / opts.rate, seconds: opts.seconds,
  };
}

before(async () => {
  dataDir = makeDataDir();
  clipDir = path.join(dataDir, "clips");
  workDir = path.join(dataDir, "work");
  mkdirSync(clipDir);
  mkdirSync(workDir);
  // 1 s GOP: the packager must pick every other keyframe for 2 s segments.
  await clip("main", { seconds: 8, size: "640x360", rate: 30, gop: 30 });
  await clip("short", { seconds: 4, size: "320x240", rate: 30, gop: 30 });
  // Long enough to still be sending when a test kills it.
  await clip("long", { seconds: 8, size: "320x240", rate: 30, gop: 60 });
  server = await new Server(dataDir).start();
});

after(async () => {
  // A server that died mid-run (or ANTCDN_TEST_LOGS=1) shows its log.
  const died = server?.proc && (server.proc.exitCode !== null || server.proc.signalCode !== null);
  if (died || process.env.ANTCDN_TEST_LOGS) {
    console.error(`antcdn ${died ? `exited (${server.proc.exitCode ?? server.proc.signalCode})` : "log"}:\n` +
      server.stderr.split("\n").slice(-60).join("\n"));
  }
  await server?.stop();
  cleanup(dataDir);
});

// ------------------------------------------------------------------ helpers

const E = (srv, s, rest) => edgeUrl(srv.edgeBase, s.edgeId, rest);

function maxAge(cc) {
  const m = /max-age=(\d+)/.exec(cc ?? "");
  return m ? Number(m[1]) : undefined;
}

function assertPlaylistHeaders(r, label) {
  assert.equal(r.status, 200, `${label}: status`);
  assert.match(r.headers.get("content-type") ?? "", /^(application\/vnd\.apple\.mpegurl|audio\/mpegurl)\b/i,
    `${label}: Content-Type`);
  const cc = r.headers.get("cache-control");
  assert.ok(maxAge(cc) !== undefined && maxAge(cc) <= 2, `${label}: short Cache-Control, got ${cc}`);
  assert.doesNotMatch(cc, /immutable/, `${label}: a playlist is not immutable`);
  assert.equal(r.headers.get("access-control-allow-origin"), "*", `${label}: CORS`);
}

function assertImmutableHeaders(r, type, label) {
  assert.equal(r.status, 200, `${label}: status`);
  assert.match(r.headers.get("content-type") ?? "", type, `${label}: Content-Type`);
  const cc = r.headers.get("cache-control");
  assert.match(cc ?? "", /immutable/, `${label}: Cache-Control immutable, got ${cc}`);
  assert.ok(maxAge(cc) >= 30 * 86400, `${label}: long max-age, got ${cc}`);
  assert.equal(r.headers.get("access-control-allow-origin"), "*", `${label}: CORS`);
}

// GET and HEAD agree: same status and headers, HEAD has no body.
async function assertHead(url, get, label) {
  const head = await fetchObject(url, { method: "HEAD" });
  assert.equal(head.status, get.status, `${label}: HEAD status`);
  assert.equal(head.body.length, 0, `${label}: HEAD has no body`);
  for (const h of ["content-type", "cache-control", "access-control-allow-origin"]) {
    assert.equal(head.headers.get(h), get.headers.get(h), `${label}: HEAD ${h}`);
  }
  const len = head.headers.get("content-length");
  assert.equal(Number(len), get.body.length, `${label}: HEAD Content-Length = GET body length`);
}

// Header-level checks every media playlist must pass, live or ended.
function assertMediaPlaylist(p, label) {
  assert.ok(Number.isInteger(p.version) && p.version >= 6, `${label}: EXT-X-VERSION >= 6 (EXT-X-MAP), got ${p.version}`);
  assert.ok(Number.isInteger(p.targetDuration) && p.targetDuration > 0, `${label}: TARGETDURATION`);
  assert.ok(Number.isInteger(p.mediaSequence) && p.mediaSequence >= 0, `${label}: MEDIA-SEQUENCE`);
  assert.ok(Number.isInteger(p.discontinuitySequence) && p.discontinuitySequence >= 0,
    `${label}: DISCONTINUITY-SEQUENCE`);
  assert.ok(p.segments.length > 0, `${label}: has segments`);
  assert.ok(p.segments[0].map, `${label}: EXT-X-MAP before the first segment`);
  for (const seg of p.segments) {
    assert.ok(Number.isFinite(seg.duration) && seg.duration > 0, `${label}: EXTINF of ${seg.uri}`);
    assert.ok(Math.round(seg.duration) <= p.targetDuration,
      `${label}: EXTINF ${seg.duration} of ${seg.uri} rounds above TARGETDURATION ${p.targetDuration}`);
    assert.match(seg.pdt ?? "", RFC3339, `${label}: PROGRAM-DATE-TIME of ${seg.uri}`);
    assert.match(seg.uri, /^[A-Za-z0-9_-]+-\d+\.m4s$/, `${label}: segment name ${seg.uri}`);
    assert.equal(seg.map, `init-${sessionOf(seg.uri)}.mp4`, `${label}: ${seg.uri} is under its session's init`);
    assert.equal(Number(seg.uri.match(/-(\d+)\.m4s$/)[1]), seg.sequence,
      `${label}: ${seg.uri} is numbered by its media sequence number`);
  }
}

async function mediaPlaylists(srv, s) {
  const out = {};
  for (const r of RENDITIONS) out[r] = parseMedia(await fetchText(E(srv, s, `${r}/index.m3u8`)));
  return out;
}

// Waits for EXT-X-ENDLIST in every media playlist; returns them parsed.
async function waitEndlist(srv, s, timeoutMs = 5000) {
  const out = {};
  for (const r of RENDITIONS) {
    out[r] = await waitPlaylist(E(srv, s, `${r}/index.m3u8`), (p) => p.ended,
      { timeoutMs, what: `EXT-X-ENDLIST in ${r}/index.m3u8` });
    assert.ok(out[r].endlistIsLast, `${r}: EXT-X-ENDLIST is the last line`);
  }
  return out;
}

function sum(xs) { return xs.reduce((a, b) => a + b, 0); }

// ---------------------------------------------------------------- the tests

test("passthrough lifecycle: connecting -> live -> ended, playlists and headers, complete decodable playback",
  { timeout: 120000 }, async () => {
    const src = clips.main;
    const s = await createStream(server);
    assert.equal(s.state, "idle");
    assert.equal(s.playback.hlsUrl, E(server, s, "master.m3u8"));
    const url = (rest) => E(server, s, rest);

    const spawnedAt = Date.now();
    const pub = ffmpegPublish(s.ingest.rtmpFullUrl, src.file);
    try {
      const seen = [];
      const live = await waitState(server, s.streamId, "live", { timeoutMs: 20000, seen });
      assert.deepEqual(seen.filter((x) => x !== "idle"), ["connecting", "live"],
        `states seen: ${seen.join(" -> ")}`);
      assert.ok(seen.indexOf("idle") <= 0, "idle only before connecting");
      assert.equal(pub.proc.exitCode, null, "live was seen while ffmpeg was publishing");
      assert.match(live.startedAt, RFC3339);
      assert.equal(live.endedAt, null);

      // live means playable: master, both media playlists and a first segment of each.
      const masterRes = await fetchObject(url("master.m3u8"));
      assertPlaylistHeaders(masterRes, "master.m3u8");
      await assertHead(url("master.m3u8"), masterRes, "master.m3u8");
      const master = parseMaster(masterRes.text());
      assert.ok(Number.isInteger(master.version), "master EXT-X-VERSION");
      assert.equal(master.independent, true, "master EXT-X-INDEPENDENT-SEGMENTS");
      assert.equal(master.variants.length, 1, "passthrough has one video variant");
      const v = master.variants[0];
      assert.equal(v.uri, "source/index.m3u8");
      assert.match(v.attrs.BANDWIDTH ?? "", /^\d+$/);
      assert.match(v.attrs["AVERAGE-BANDWIDTH"] ?? "", /^\d+$/);
      assert.ok(Number(v.attrs.BANDWIDTH) > 0);
      assert.ok(Number(v.attrs["AVERAGE-BANDWIDTH"]) > 0);
      const codecs = (v.attrs.CODECS ?? "").split(",");
      assert.equal(codecs.length, 2, `CODECS ${v.attrs.CODECS}`);
      assert.match(codecs.find((c) => c.startsWith("avc1.")) ?? "", avc1Pattern(src.info.video),
        `CODECS ${v.attrs.CODECS} vs source ${src.info.video.profile} level ${src.info.video.level}`);
      assert.ok(codecs.includes("mp4a.40.2"), `CODECS ${v.attrs.CODECS} has AAC-LC`);
      assert.equal(v.attrs.RESOLUTION, `${src.info.video.width}x${src.info.video.height}`);
      assert.ok(Math.abs(Number(v.attrs["FRAME-RATE"]) - 30) < 0.01, `FRAME-RATE ${v.attrs["FRAME-RATE"]}`);
      assert.ok(v.attrs.AUDIO, "STREAM-INF names an AUDIO group");
      const audioMedia = master.media.filter((m) => m.TYPE === "AUDIO");
      assert.equal(audioMedia.length, 1, "one EXT-X-MEDIA TYPE=AUDIO");
      assert.equal(audioMedia[0]["GROUP-ID"], v.attrs.AUDIO, "AUDIO group matches EXT-X-MEDIA GROUP-ID");
      assert.equal(audioMedia[0].URI, "audio/index.m3u8");
      assert.equal(audioMedia[0].CHANNELS, String(src.info.audio.channels));

      for (const r of RENDITIONS) {
        const res = await fetchObject(url(`${r}/index.m3u8`));
        assertPlaylistHeaders(res, `${r}/index.m3u8`);
        await assertHead(url(`${r}/index.m3u8`), res, `${r}/index.m3u8`);
        const p = parseMedia(res.text());
        assertMediaPlaylist(p, `${r} (live)`);
        assert.equal(p.ended, false, `${r}: no ENDLIST while live`);
        const init = await fetchObject(url(`${r}/${p.segments[0].map}`));
        assertImmutableHeaders(init, /^video\/mp4\b/, `${r} init`);
        await assertHead(url(`${r}/${p.segments[0].map}`), init, `${r} init`);
        const seg = await fetchObject(url(`${r}/${p.segments[0].uri}`));
        assertImmutableHeaders(seg, /^video\/(iso\.segment|mp4)\b/, `${r} segment`);
        await assertHead(url(`${r}/${p.segments[0].uri}`), seg, `${r} segment`);
        // The first frame reached ingest after ffmpeg started and before live.
        const pdt0 = Date.parse(p.segments[0].pdt);
        assert.ok(pdt0 >= spawnedAt - 1000 && pdt0 <= Date.now() + 1000,
          `${r}: PROGRAM-DATE-TIME ${p.segments[0].pdt} is the ingest wall clock`);
      }
      const status = await fetchObject(url("status.json"));
      assert.equal(status.status, 200);
      assert.match(status.headers.get("content-type") ?? "", /^application\/json\b/);
      assert.equal(status.headers.get("access-control-allow-origin"), "*");
      assert.equal(JSON.parse(status.text()).state, "live");
      await assertHead(url("status.json"), status, "status.json");

      // The publisher ends cleanly: ended, and ENDLIST everywhere within 5 s.
      const r = await pub.wait(PUBLISH_DEADLINE_MS);
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 0, `ffmpeg failed: ${r.stderr}`);
    } finally {
      pub.kill("SIGKILL");
    }
    const ended = await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
    assert.match(ended.endedAt, RFC3339);
    const lists = await waitEndlist(server, s, 5000);
    // status.json comes from the edge's 1 s stream cache, served stale while it
    // refreshes; the ENDLIST playlists are served from memory the moment they are
    // made, so the state may follow them by a refresh.
    await waitFor(async () => JSON.parse((await fetchObject(url("status.json"))).text()).state === "ended",
      { timeoutMs: 5000, what: "status.json says ended" });

    const v = lists.source;
    const a = lists.audio;
    for (const [r, p] of Object.entries(lists)) {
      assertMediaPlaylist(p, `${r} (ended)`);
      assert.equal(p.mediaSequence, 0, `${r}: an 8 s stream is entirely in the window`);
      assert.equal(p.discontinuities, 0, `${r}: one session, no discontinuity`);
      assert.equal(new Set(p.maps).size, 1, `${r}: one init section`);
    }

    // Download every object; each rendition decodes without a single error.
    const files = {};
    for (const r of RENDITIONS) {
      const groups = await downloadSessions(url(r), lists[r], workDir, `${s.edgeId}-${r}`);
      assert.equal(groups.length, 1);
      files[r] = groups[0];
      const d = await decodes(groups[0].file);
      assert.ok(d.ok, `${r}: ffmpeg decodes init + all segments without error: ${d.stderr}`);
    }
    const viaPlaylist = await decodes(url("master.m3u8"));
    assert.ok(viaPlaylist.ok, `ffmpeg plays master.m3u8 without error: ${viaPlaylist.stderr}`);

    // Nothing lost, nothing added: every frame of the source, audio present.
    const pv = await probeStreams(files.source.file);
    assert.equal(pv.video.frames, src.info.video.frames, "video frames = source frames");
    assert.equal(pv.video.width, src.info.video.width);
    const pa = await probeStreams(files.audio.file);
    assert.ok(pa.audio, "audio rendition has audio");
    assert.equal(pa.audio.sampleRate, 48000);
    assert.equal(pa.audio.frames, src.info.audio.frames, "audio frames = source frames");
    const whole = await probeStreams(url("master.m3u8"));
    assert.equal(whole.video?.frames, src.info.video.frames, "playing master.m3u8: video frames = source");
    assert.ok(whole.audio?.frames > 0, "playing master.m3u8: audio present");
    const target = v.targetDuration;
    const srcDuration = src.info.duration;
    for (const [label, d] of [["video EXTINF sum", sum(v.segments.map((x) => x.duration))],
      ["audio EXTINF sum", sum(a.segments.map((x) => x.duration))],
      ["ffprobe of master.m3u8", whole.duration]]) {
      assert.ok(Math.abs(d - srcDuration) <= target, `${label} ${d} vs source ${srcDuration}`);
    }

    // Segments: ~2 s, cut at the source's keyframes, each starting with one.
    const srcPts0 = Math.min(...src.packets.map((p) => p.pts));
    const srcKeys = src.packets.filter((p) => p.key).map((p) => p.pts - srcPts0);
    let start = 0;
    const boundaries = [];
    for (const [i, seg] of v.segments.entries()) {
      const last = i === v.segments.length - 1;
      if (!last) {
        assert.ok(seg.duration >= 2 - 0.001 && seg.duration < 2 + src.gopS,
          `segment ${seg.uri}: ${seg.duration} s is the first keyframe at or after 2 s`);
      }
      assert.ok(srcKeys.some((k) => Math.abs(k - start) < 0.002),
        `segment ${seg.uri} starts at ${start} s, a source keyframe (${srcKeys.join(", ")})`);
      const one = path.join(workDir, `${s.edgeId}-one-${i}.mp4`);
      const withInit = files.source.segments[i];
      writeFileSync(one, Buffer.concat([withInit.init, withInit.body]));
      const pk = await videoPackets(one);
      assert.ok(pk.length > 0 && pk[0].key, `segment ${seg.uri} starts with a keyframe`);
      start += seg.duration;
      if (!last) boundaries.push(start);
    }
    assert.ok(boundaries.length >= 2, `an 8 s clip makes several segments (${v.segments.length})`);
    // Audio is cut at the same boundaries (within a few audio frames).
    let aStart = 0;
    for (const [i, seg] of a.segments.slice(0, -1).entries()) {
      aStart += seg.duration;
      assert.ok(Math.abs(aStart - boundaries[i]) < 0.1,
        `audio boundary ${aStart} vs video boundary ${boundaries[i]}`);
    }
    // PROGRAM-DATE-TIME follows media time: each step is the EXTINF (to the ms).
    for (let i = 1; i < v.segments.length; i++) {
      const dt = Date.parse(v.segments[i].pdt) - Date.parse(v.segments[i - 1].pdt);
      assert.ok(Math.abs(dt - v.segments[i - 1].duration * 1000) <= 1,
        `PDT step ${dt} ms vs EXTINF ${v.segments[i - 1].duration} s`);
    }

    // BANDWIDTH is at least the peak segment bit rate, AVERAGE the measured mean.
    const fm = parseMaster(await fetchText(url("master.m3u8")));
    const peak = (f) => Math.max(...f.segments.map((x) => x.bytes * 8 / x.duration));
    const mean = (f) => sum(f.segments.map((x) => x.bytes)) * 8 / sum(f.segments.map((x) => x.duration));
    const bw = Number(fm.variants[0].attrs.BANDWIDTH);
    const avg = Number(fm.variants[0].attrs["AVERAGE-BANDWIDTH"]);
    assert.ok(bw >= 0.99 * (peak(files.source) + peak(files.audio)),
      `BANDWIDTH ${bw} >= peak video + peak audio ${peak(files.source) + peak(files.audio)}`);
    const want = mean(files.source) + mean(files.audio);
    assert.ok(Math.abs(avg - want) <= 0.05 * want, `AVERAGE-BANDWIDTH ${avg} vs measured ${want}`);
    assert.ok(avg <= bw, "AVERAGE-BANDWIDTH <= BANDWIDTH");

    lifecycleStream = { stream: s, segment: `source/${v.segments[0].uri}` };
  });

test("reconnect within the window: same playlists after one DISCONTINUITY, back to live",
  { timeout: 90000 }, async () => {
    const s = await createStream(server);
    const patched = await server.api(`/v1/live-streams/${s.streamId}`, {
      method: "PATCH", body: { reconnectWindowSeconds: 10 },
    });
    assert.equal(patched.status, 200);
    assert.equal((await patched.json()).reconnectWindowSeconds, 10);

    const first = ffmpegPublish(s.ingest.rtmpFullUrl, clips.long.file);
    let second;
    try {
      const live1 = await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
      assert.equal(first.proc.exitCode, null, "still publishing when it went live");
      first.kill("SIGKILL");
      await first.exited;
      const seen = [];
      await waitState(server, s.streamId, "connecting", { timeoutMs: 3000, seen });
      // During the window the playlists stay open.
      for (const r of RENDITIONS) {
        const p = parseMedia(await fetchText(E(server, s, `${r}/index.m3u8`)));
        assert.equal(p.ended, false, `${r}: no ENDLIST during the reconnect window`);
      }
      assert.equal(JSON.parse(await fetchText(E(server, s, "status.json"))).state, "connecting");

      second = ffmpegPublish(s.ingest.rtmpFullUrl, clips.short.file);
      // The window is cancelled by the new publish; live comes with its first segments.
      const live2 = await waitState(server, s.streamId, "live", { timeoutMs: 20000, seen });
      assert.ok(!seen.includes("ended"), `never ended in between: ${seen.join(" -> ")}`);
      assert.equal(live2.startedAt, live1.startedAt, "a resumed session keeps startedAt");
      assert.equal(live2.endedAt, null);
      const r = await second.wait(PUBLISH_DEADLINE_MS);
      assert.equal(r.code, 0, `second ffmpeg failed: ${r.stderr}`);
    } finally {
      first.kill("SIGKILL");
      second?.kill("SIGKILL");
    }
    await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
    const lists = await waitEndlist(server, s);
    for (const [r, p] of Object.entries(lists)) {
      assertMediaPlaylist(p, `${r} (reconnected)`);
      assert.equal(p.discontinuities, 1, `${r}: exactly one EXT-X-DISCONTINUITY`);
      assert.equal(p.maps.length, 2, `${r}: two EXT-X-MAP tags`);
      assert.notEqual(p.maps[0], p.maps[1], `${r}: two different init sections`);
      const at = p.segments.findIndex((x) => x.discontinuity);
      assert.ok(at > 0, `${r}: the discontinuity follows the first session's segments`);
      assert.equal(p.segments[at].map, p.maps[1], `${r}: the new EXT-X-MAP applies after the discontinuity`);
      assert.ok(p.segments.slice(0, at).every((x) => x.map === p.maps[0]));
      assert.ok(p.segments.slice(at).every((x) => x.map === p.maps[1]));
      assert.equal(p.discontinuitySequence, 0);
      const groups = await downloadSessions(E(server, s, r), p, workDir, `${s.edgeId}-${r}`);
      assert.equal(groups.length, 2);
      for (const g of groups) {
        const d = await decodes(g.file);
        assert.ok(d.ok, `${r} ${g.map}: decodes without error: ${d.stderr}`);
      }
      if (r === "source") {
        const second = await probeStreams(groups[1].file);
        assert.equal(second.video.frames, clips.short.info.video.frames,
          "the second session has every frame of its clip");
      }
    }
  });

test("reconnect after the window: connecting, then ended with ENDLIST", { timeout: 60000 }, async () => {
  const windowS = 2;
  const s = await createStream(server, { reconnectWindowSeconds: windowS });
  assert.equal(s.reconnectWindowSeconds, windowS);
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.long.file);
  let killedAt;
  try {
    await waitState(server, s.streamId, "live", { timeoutMs: 20000 });
    assert.equal(pub.proc.exitCode, null);
    killedAt = Date.now();
    pub.kill("SIGKILL");
    await pub.exited;
  } finally {
    pub.kill("SIGKILL");
  }
  const seen = [];
  const conn = await waitState(server, s.streamId, "connecting", { timeoutMs: 3000, seen });
  assert.equal(conn.endedAt, null);
  const ended = await waitState(server, s.streamId, "ended", { timeoutMs: windowS * 1000 + 5000, seen });
  const endedSeenAt = Date.now();
  assert.deepEqual(seen.filter((x) => x !== "live"), ["connecting", "ended"], seen.join(" -> "));
  assert.ok(endedSeenAt - killedAt >= windowS * 1000 - 250,
    `ended ${endedSeenAt - killedAt} ms after the drop, not before the ${windowS} s window`);
  assert.match(ended.endedAt, RFC3339);
  assert.ok(Date.parse(ended.endedAt) >= Date.parse(ended.startedAt));
  const lists = await waitEndlist(server, s);
  for (const [r, p] of Object.entries(lists)) {
    assertMediaPlaylist(p, `${r} (window expired)`);
    assert.equal(p.discontinuities, 0);
  }
  assert.equal(JSON.parse(await fetchText(E(server, s, "status.json"))).state, "ended");
});

test("an ended stream is published again: same playback URL, new session", { timeout: 90000 }, async () => {
  const s = await createStream(server);
  const first = ffmpegPublish(s.ingest.rtmpFullUrl, clips.short.file);
  try {
    assert.equal((await first.wait(PUBLISH_DEADLINE_MS)).code, 0);
  } finally {
    first.kill("SIGKILL");
  }
  const ended1 = await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
  const old = await waitEndlist(server, s);
  const oldSession = sessionOf(old.source.segments[0].uri);

  const second = ffmpegPublish(s.ingest.rtmpFullUrl, clips.short.file);
  try {
    const seen = [];
    const live = await waitState(server, s.streamId, "live", { timeoutMs: 20000, seen });
    assert.deepEqual(seen.filter((x) => x !== "ended"), ["connecting", "live"], seen.join(" -> "));
    assert.equal(live.playback.hlsUrl, s.playback.hlsUrl, "the playback URL never changes");
    assert.equal(live.endedAt, null, "a new session clears endedAt");
    assert.ok(Date.parse(live.startedAt) >= Date.parse(ended1.startedAt));
    const master = await fetchObject(s.playback.hlsUrl);
    assert.equal(master.status, 200);
    assert.equal(parseMaster(master.text()).variants.length, 1);
    for (const r of RENDITIONS) {
      const p = parseMedia(await fetchText(E(server, s, `${r}/index.m3u8`)));
      assert.equal(p.ended, false, `${r}: the new session's playlist is open`);
      for (const seg of p.segments) {
        assert.notEqual(sessionOf(seg.uri), oldSession, `${r}: ${seg.uri} belongs to the new session`);
      }
      assert.notEqual(p.segments[0].map, old[r].segments[0].map, `${r}: new init section`);
    }
    assert.equal((await second.wait(PUBLISH_DEADLINE_MS)).code, 0);
  } finally {
    second.kill("SIGKILL");
  }
  await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
  const lists = await waitEndlist(server, s);
  const groups = await downloadSessions(E(server, s, "source"), lists.source, workDir, `${s.edgeId}-reuse`);
  assert.equal(groups.length, 1);
  assert.notEqual(sessionOf(groups[0].segments[0].uri), oldSession);
  const d = await decodes(groups[0].file);
  assert.ok(d.ok, d.stderr);
  assert.equal((await probeStreams(groups[0].file)).video.frames, clips.short.info.video.frames);
});

test("DELETE of an ended stream removes its media: the edge answers 404", { timeout: 60000 }, async () => {
  const s = await createStream(server);
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.short.file);
  try {
    assert.equal((await pub.wait(PUBLISH_DEADLINE_MS)).code, 0);
  } finally {
    pub.kill("SIGKILL");
  }
  await waitState(server, s.streamId, "ended", { timeoutMs: 5000 });
  const lists = await waitEndlist(server, s);
  const urls = {
    master: s.playback.hlsUrl,
    playlist: E(server, s, "source/index.m3u8"),
    init: E(server, s, `source/${lists.source.segments[0].map}`),
    segment: E(server, s, `source/${lists.source.segments[0].uri}`),
    audio: E(server, s, `audio/${lists.audio.segments.at(-1).uri}`),
    status: E(server, s, "status.json"),
  };
  for (const [k, u] of Object.entries(urls)) {
    assert.equal((await fetchObject(u)).status, 200, `${k} is served before the delete`);
  }
  const del = await server.api(`/v1/live-streams/${s.streamId}`, { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal((await server.api(`/v1/live-streams/${s.streamId}`)).status, 404);
  for (const [k, u] of Object.entries(urls)) {
    await waitFor(async () => (await fetchObject(u)).status === 404,
      { timeoutMs: 3000, what: `404 for ${k} after DELETE` });
  }
  await waitFor(() => !existsSync(path.join(dataDir, "media", s.edgeId)),
    { timeoutMs: 3000, what: "the stream's media prefix to leave the disk" });
});

test("edge safety: unknown ids, idle streams and path traversal are 404; status.json leaks nothing",
  { timeout: 60000 }, async () => {
    // A stream with media, so that a traversal that slipped through would find files.
    let withMedia = lifecycleStream?.stream;
    if (!withMedia) {
      withMedia = await createStream(server);
      const pub = ffmpegPublish(withMedia.ingest.rtmpFullUrl, clips.short.file);
      assert.equal((await pub.wait(PUBLISH_DEADLINE_MS)).code, 0);
      await waitState(server, withMedia.streamId, "ended", { timeoutMs: 15000 });
      await waitEndlist(server, withMedia);
    }
    const edge = withMedia.edgeId;
    const ok = await rawRequest(server.edgeBase, `/live/${edge}/master.m3u8`);
    assert.equal(ok.status, 200, "the raw client fetches a real object (so its 404s mean something)");
    const dbFile = path.join(dataDir, "antcdn.db");
    assert.ok(existsSync(dbFile), "the database a traversal would reach exists");
    assert.ok(existsSync("/etc/passwd"));

    const unknown = "lse_" + Array.from(randomBytes(26), (b) => "0123456789abcdefghjkmnpqrstvwxyz"[b % 32]).join("");
    for (const u of [`/live/${unknown}/master.m3u8`, `/live/${unknown}/status.json`,
      `/live/${unknown}/source/index.m3u8`, "/live/lse_nope/master.m3u8", "/live/master.m3u8"]) {
      assert.equal((await fetchObject(server.edgeBase + u)).status, 404, u);
    }

    const idle = await createStream(server);
    assert.equal(idle.state, "idle");
    for (const rest of ["master.m3u8", "source/index.m3u8", "audio/index.m3u8"]) {
      const r = await fetchObject(E(server, idle, rest));
      assert.equal(r.status, 404, `idle stream ${rest}`);
      assert.equal(r.headers.get("access-control-allow-origin"), "*", "CORS on errors too");
    }
    const st = await fetchObject(E(server, idle, "status.json"));
    assert.equal(st.status, 200);
    const body = st.text();
    const json = JSON.parse(body);
    assert.equal(json.state, "idle");
    assert.equal(json.streamId, undefined);
    for (const secret of [idle.streamId, idle.ingest.streamKey, "sk_live_", "ls_", "streamKey",
      "ingest", server.apiKey]) {
      assert.ok(!body.includes(secret), `status.json must not contain ${secret}: ${body}`);
    }
    const ended = JSON.parse(await fetchText(E(server, withMedia, "status.json")));
    assert.deepEqual(Object.keys(ended).filter((k) => /id|key/i.test(k)), [], JSON.stringify(ended));

    const traversals = [
      `/live/${edge}/../x`,
      `/live/${edge}/../../antcdn.db`,
      `/live/${edge}/%2e%2e/%2e%2e/antcdn.db`,
      `/live/${edge}/%2e%2e%2f%2e%2e%2fantcdn.db`,
      `/live/${edge}/..%2f..%2fantcdn.db`,
      `/live/${edge}/source/../../etc/passwd`,
      `/live/${edge}/source/../../../antcdn.db`,
      `/live/${edge}/source/%2e%2e/%2e%2e/%2e%2e/antcdn.db`,
      `/live/${edge}/source/..%2f..%2f..%2fantcdn.db`,
      `/live/${edge}/source/..%5c..%5c..%5cantcdn.db`,
      `/live/${edge}/%2e%2e/${edge}/master.m3u8`,
      `/live/${edge}/./master.m3u8`,
      `/live/${edge}/source/./index.m3u8`,
      `/live/${edge}//master.m3u8`,
      `/live//${edge}/master.m3u8`,
      `/live/../media/${edge}/master.m3u8`,
      `/live/%2e%2e/antcdn.db`,
      `/live/${edge}/source/init-x.mp4/../../../../antcdn.db`,
      `/live/${edge}/source/%2fetc%2fpasswd`,
      `/live/${edge}/source/..%00.m4s`,
    ];
    for (const t of traversals) {
      const r = await rawRequest(server.edgeBase, t);
      assert.equal(r.status, 404, `${t}: ${r.statusLine}`);
      const text = r.body.toString("latin1");
      assert.ok(!text.includes("SQLite format 3") && !text.includes("root:") && !text.includes("#EXTM3U"),
        `${t}: the body leaks a file`);
    }
    // curl with --path-as-is, a second client that does not normalise.
    if (haveTool("curl")) {
      const c = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is",
        `${server.edgeBase}/live/${edge}/source/../../etc/passwd`]);
      assert.equal(c.stdout, "404");
    }
  });

test("restart: SIGKILL mid-stream ends the stream on the next start; SIGTERM ends it cleanly",
  { timeout: 120000 }, async () => {
    const dir = makeDataDir();
    const servers = [];
    const pubs = [];
    try {
      const a = await new Server(dir).start();
      servers.push(a);
      const key = a.apiKey;
      const s = await createStream(a);
      const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clips.long.file);
      pubs.push(pub);
      await waitState(a, s.streamId, "live", { timeoutMs: 20000 });
      assert.equal(pub.proc.exitCode, null, "still publishing when the server is killed");
      a.proc.kill("SIGKILL");
      assert.equal((await a.exited).signal, "SIGKILL");
      await pub.wait(10000);

      const b = await new Server(dir).start();
      servers.push(b);
      b.apiKey = key;
      const after = await getStream(b, s.streamId);
      assert.equal(after.state, "ended", "a stream on air when the server died is ended");
      assert.match(after.endedAt ?? "", RFC3339);
      for (const r of RENDITIONS) {
        const p = parseMedia(await fetchText(E(b, s, `${r}/index.m3u8`)));
        assert.ok(p.ended && p.endlistIsLast, `${r}: ENDLIST appended after the crash`);
        assertMediaPlaylist(p, `${r} (after crash)`);
        for (const seg of p.segments) {
          assert.equal((await fetchObject(E(b, s, `${r}/${seg.uri}`))).status, 200,
            `${r}: listed segment ${seg.uri} exists`);
        }
      }
      assert.equal((await fetchObject(E(b, s, "master.m3u8"))).status, 200);

      // SIGTERM while live: a clean exit that ends the stream itself.
      const s2 = await createStream(b);
      const pub2 = ffmpegPublish(s2.ingest.rtmpFullUrl, clips.long.file);
      pubs.push(pub2);
      await waitState(b, s2.streamId, "live", { timeoutMs: 20000 });
      assert.equal(pub2.proc.exitCode, null, "still publishing when the server is stopped");
      b.proc.kill("SIGTERM");
      let timer;
      const exit = await Promise.race([b.exited,
        new Promise((res) => { timer = setTimeout(() => res({ timedOut: true }), 10000); })]);
      clearTimeout(timer);
      assert.deepEqual(exit, { code: 0, signal: null }, "SIGTERM: exit 0 within 10 s");
      // Before anything restarts: the playlists on disk are closed and the
      // store says ended (so it was the shutdown, not the next start's recovery).
      for (const r of RENDITIONS) {
        const f = path.join(dir, "media", s2.edgeId, r, "index.m3u8");
        const p = parseMedia(readFileSync(f, "utf8"));
        assert.ok(p.ended && p.endlistIsLast, `${r}: ENDLIST written by the shutdown`);
      }
      if (haveTool("sqlite3")) {
        const q = await run("sqlite3", ["-readonly", path.join(dir, "antcdn.db"),
          `select state from streams where stream_id = '${s2.streamId}'`]);
        assert.equal(q.stdout.trim(), "ended", `state saved by the shutdown: ${q.stderr}`);
      }
      const c = await new Server(dir).start();
      servers.push(c);
      c.apiKey = key;
      const after2 = await getStream(c, s2.streamId);
      assert.equal(after2.state, "ended");
      assert.match(after2.endedAt ?? "", RFC3339);
      assert.doesNotMatch(c.stderr, new RegExp(s2.streamId), "nothing left to recover at the next start");
    } finally {
      for (const p of pubs) p.kill("SIGKILL");
      for (const srv of servers) await srv.stop();
      cleanup(dir);
    }
  });
