#!/usr/bin/env node
// Time to live and segment listing delay, passthrough, measured from outside.
//
//   node bench/time_to_live.mjs            (RUNS=5 CLIP_SECONDS=10 by default)
//
// One `antcdn serve` (temporary data dir, loopback ports); per run a new
// passthrough stream and `ffmpeg -re -i clip.flv -c copy -f flv rtmp://...`
// publishing a cached 1280x720 30 fps H.264 (2 s GOP, B-frames) + AAC 48 kHz
// clip. The edge is polled every POLL_MS (20 ms).
//
// Time to live: from spawning ffmpeg until master.m3u8, and for every rendition
// the media playlist, its init section and its first segment, all answer 200.
//
// Listing delay: for every segment but the last (the last one is cut by the
// unpublish, not by a keyframe), the time it first appears in source/index.m3u8
// minus the wall-clock time at which the publisher sent the segment's last
// frame. With -re, ffmpeg sends media in real time, so that send time is
//   A: spawn time + segment end pts (end pts = sum of EXTINF up to and including
//      the segment, from the first frame). Includes ffmpeg's start-up and the
//      RTMP handshake, so it overstates the delay by that much.
//   B: PROGRAM-DATE-TIME of segment 0 (the server's wall clock when the first
//      frame reached ingest) + segment end pts. Start-up excluded; the best
//      estimate of what ingest + packaging + storage + edge add.
// A segment can only be closed when the next keyframe arrives; -re sends that
// keyframe at ~end pts (its dts, B-frame delay included), so ~0 ms is the floor,
// plus the poll interval (on average +POLL_MS/2).
//
// Environment: ANTCDN_BIN (default build/antcdn), RUNS, CLIP_SECONDS, POLL_MS,
// BENCH_CACHE (clip cache, default ${TMPDIR:-/tmp}/antcdn-bench).
import { mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Server, makeDataDir, cleanup, NO_PER_IP_CAPS } from "../test/integration/lib/server.mjs";
import { makeClip, ffmpegPublish, waitFor, haveTool } from "../test/integration/lib/media.mjs";
import { parseMaster, parseMedia, fetchObject, probeStreams } from "../test/integration/lib/hls.mjs";

const RUNS = Number(process.env.RUNS ?? 5);
const CLIP_SECONDS = Number(process.env.CLIP_SECONDS ?? 10);
const POLL_MS = Number(process.env.POLL_MS ?? 20);
const CACHE = process.env.BENCH_CACHE ?? path.join(process.env.TMPDIR ?? tmpdir(), "antcdn-bench");

for (const t of ["ffmpeg", "ffprobe"]) {
  if (!haveTool(t)) { console.error(`missing: ${t}`); process.exit(1); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs) => xs.length
  ? `median ${median(xs).toFixed(0)}  min ${Math.min(...xs).toFixed(0)}  max ${Math.max(...xs).toFixed(0)}  (n=${xs.length})`
  : "no samples";

async function clip() {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `ttl-720p30-g60-${CLIP_SECONDS}s.flv`);
  if (!existsSync(file)) {
    console.log(`generating ${file} ...`);
    await makeClip(file, {
      seconds: CLIP_SECONDS, size: "1280x720", rate: 30, gop: 60,
      vcodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-keyint_min", "60",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "6M"],
      acodec: ["-c:a", "aac", "-b:a", "128k", "-ar", "48000"],
    });
  }
  return file;
}

// Server log lines are "[YYYY-MM-DD HH:MM:SS.mmm] ..." in local time.
function logTime(stderr, streamId, needle) {
  const line = stderr.split("\n").find((l) => l.includes(streamId) && l.includes(needle));
  const m = line && /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})\]/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : NaN;
}

async function oneRun(server, file, run) {
  const res = await server.api("/v1/live-streams", {
    method: "POST", body: { name: `ttl ${run}`, quality: "passthrough", reconnectWindowSeconds: 0 },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status}`);
  const s = await res.json();
  const base = `${server.edgeBase}/live/${s.edgeId}`;

  const spawnedAt = Date.now();
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, file);
  let liveAt = null;
  const ready = new Set();       // "rendition" once its playlist, init and first segment answer 200
  let renditions = null;          // media playlist URIs from the master
  const firstSeen = new Map();    // segment URI -> wall ms of first listing in source/index.m3u8
  let last = null;                // last parsed source playlist
  const deadline = spawnedAt + (CLIP_SECONDS + 20) * 1000;
  try {
    while (Date.now() < deadline) {
      const now = Date.now();
      if (!renditions) {
        const m = await fetchObject(`${base}/master.m3u8`);
        if (m.status === 200) {
          const master = parseMaster(m.text());
          renditions = [...master.variants.map((v) => v.uri), ...master.media.map((x) => x.URI).filter(Boolean)];
        }
      }
      if (renditions && liveAt === null) {
        for (const uri of renditions) {
          if (ready.has(uri)) continue;
          const p = await fetchObject(`${base}/${uri}`);
          if (p.status !== 200) continue;
          const pl = parseMedia(p.text());
          if (!pl.segments.length) continue;
          const dir = uri.slice(0, uri.lastIndexOf("/"));
          const init = await fetchObject(`${base}/${dir}/${pl.segments[0].map}`);
          const seg = await fetchObject(`${base}/${dir}/${pl.segments[0].uri}`);
          if (init.status === 200 && seg.status === 200) ready.add(uri);
        }
        if (ready.size === renditions.length) liveAt = Date.now();
      }
      const p = await fetchObject(`${base}/source/index.m3u8`);
      if (p.status === 200) {
        const seenAt = Date.now();
        last = parseMedia(p.text());
        for (const seg of last.segments) if (!firstSeen.has(seg.uri)) firstSeen.set(seg.uri, seenAt);
        if (last.ended) break;
      }
      const spent = Date.now() - now;
      if (spent < POLL_MS) await sleep(POLL_MS - spent);
    }
  } finally {
    pub.kill("SIGKILL");
  }
  const r = await pub.exited;
  if (!last?.ended) throw new Error(`run ${run}: no ENDLIST before the deadline; ffmpeg: ${r.stderr}`);
  if (liveAt === null) throw new Error(`run ${run}: never fetchable`);

  const connectedAt = logTime(server.stderr, s.streamId, "publishing");
  const segs = last.segments;
  const pdt0 = Date.parse(segs[0].pdt);
  let end = 0;
  const delayA = [];
  const delayB = [];
  for (const [i, seg] of segs.entries()) {
    end += seg.duration * 1000;
    if (i === segs.length - 1) break;
    const seen = firstSeen.get(seg.uri);
    if (seen === undefined) continue;  // slid out before it was seen (cannot happen at 20 ms)
    delayA.push(seen - (spawnedAt + end));
    delayB.push(seen - (pdt0 + end));
  }
  return {
    ttl: liveAt - spawnedAt,
    connect: connectedAt - spawnedAt,
    firstFrame: pdt0 - spawnedAt,
    segments: segs.length,
    delayA, delayB,
  };
}

async function main() {
  const file = await clip();
  const info = await probeStreams(file);
  const dataDir = makeDataDir();
  const server = await new Server(dataDir, NO_PER_IP_CAPS).start();
  console.log(`clip: ${info.video.width}x${info.video.height} ${info.video.frameRate} fps, 2 s GOP, ` +
    `${CLIP_SECONDS} s, ${info.video.frames} video frames; poll every ${POLL_MS} ms; ${RUNS} runs`);
  const results = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const r = await oneRun(server, file, run);
      results.push(r);
      console.log(`run ${run}: time to live ${r.ttl} ms (publisher connected +${r.connect} ms, ` +
        `first frame at ingest +${r.firstFrame} ms); ${r.segments} segments; listing delay ` +
        `A [${r.delayA.join(", ")}] ms, B [${r.delayB.join(", ")}] ms`);
    }
  } finally {
    await server.stop();
    cleanup(dataDir);
  }
  console.log("");
  console.log(`time to live (spawn -> master + first segment of every rendition): ${stats(results.map((r) => r.ttl))} ms`);
  console.log(`  of which spawn -> RTMP publish accepted:                         ${stats(results.map((r) => r.connect))} ms`);
  console.log(`  of which spawn -> first frame at ingest (PDT of segment 0):      ${stats(results.map((r) => r.firstFrame))} ms`);
  console.log(`listing delay A (spawn + end pts -> listed):                       ${stats(results.flatMap((r) => r.delayA))} ms`);
  console.log(`listing delay B (first-frame arrival + end pts -> listed):         ${stats(results.flatMap((r) => r.delayB))} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
