#!/usr/bin/env node
// Time to live (first segment and first LL-HLS part) and segment listing delay,
// measured from outside, with a same-run comparison against nginx-rtmp.
//
//   node bench/time_to_live.mjs            (RUNS=5 CLIP_SECONDS=10 by default)
//
// One `antcdn serve` (temporary data dir, loopback ports); per run a new stream
// (QUALITY, default passthrough; LATENCY_MODE, default low) and
// `ffmpeg -re -i clip.flv -c copy -f flv rtmp://...` publishing a cached
// 1280x720 30 fps H.264 (2 s GOP, B-frames) + AAC 48 kHz clip. The edge is
// polled every POLL_MS (20 ms).
//
// Time to live: from spawning ffmpeg until master.m3u8, and for every rendition
// the media playlist, its init section and its first segment, all answer 200.
// Time to first part: the same, with the first EXT-X-PART of every rendition in
// place of the first segment (only when the playlists have parts: LL-HLS, a
// latencyMode "low" stream on a server that makes them; "none" otherwise).
//
// Listing delay: for every segment but the last (the last one is cut by the
// unpublish, not by a keyframe), the time it first appears in the first
// variant's playlist minus the wall-clock time at which the publisher sent the
// segment's last frame. With -re, ffmpeg sends media in real time, so that send
// time is
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
// nginx-rtmp (Debian's libnginx-mod-rtmp, HLS with 2 s fragments): after each
// antcdn run, the same clip is published the same way to an nginx started for
// the benchmark, and its time to live (playlist and first fragment answer 200,
// polled the same way) is measured: the same machine in the same minutes. It
// has no master playlist and one rendition, so compare it with passthrough.
// NGINX=0 skips it; without nginx or the module the benchmark says so.
//
// Environment: ANTCDN_BIN (default build/antcdn), RUNS, CLIP_SECONDS, POLL_MS,
// QUALITY, LATENCY_MODE, NGINX, BENCH_CACHE (clip cache, default
// ${TMPDIR:-/tmp}/antcdn-bench).
import { spawn } from "node:child_process";
import { mkdirSync, existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Server, makeDataDir, cleanup, NO_PER_IP_CAPS } from "../test/integration/lib/server.mjs";
import { makeClip, ffmpegPublish, waitFor, haveTool } from "../test/integration/lib/media.mjs";
import { parseMaster, parseMedia, parseAttributes, fetchObject, probeStreams } from "../test/integration/lib/hls.mjs";

const RUNS = Number(process.env.RUNS ?? 5);
const CLIP_SECONDS = Number(process.env.CLIP_SECONDS ?? 10);
const POLL_MS = Number(process.env.POLL_MS ?? 20);
const QUALITY = process.env.QUALITY ?? "passthrough";
const LATENCY_MODE = process.env.LATENCY_MODE ?? "low";
const NGINX = process.env.NGINX ?? "auto";
const NGINX_RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
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

// The first EXT-X-PART of a media playlist: {uri, range} (range: a Range
// header value for a BYTERANGE part), or null.
function firstPart(text) {
  const line = text.split("\n").find((l) => l.startsWith("#EXT-X-PART:"));
  if (!line) return null;
  const a = parseAttributes(line.slice(12));
  let range;
  if (a.BYTERANGE) {
    const [len, off = "0"] = a.BYTERANGE.split("@");
    range = `bytes=${Number(off)}-${Number(off) + Number(len) - 1}`;
  }
  return { uri: a.URI, range };
}

async function answers200(url, range) {
  const res = await fetch(url, range ? { headers: { Range: range } } : {});
  await res.arrayBuffer();
  return res.status === 200 || (range !== undefined && res.status === 206);
}

async function oneRun(server, file, run) {
  const res = await server.api("/v1/live-streams", {
    method: "POST",
    body: { name: `ttl ${run}`, quality: QUALITY, latencyMode: LATENCY_MODE, reconnectWindowSeconds: 0 },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status}`);
  const s = await res.json();
  const base = `${server.edgeBase}/live/${s.edgeId}`;

  const spawnedAt = Date.now();
  const pub = ffmpegPublish(s.ingest.rtmpFullUrl, file);
  let liveAt = null;
  let partLiveAt = null;
  const ready = new Set();       // "rendition" once its playlist, init and first segment answer 200
  const partReady = new Set();   // the same with its first part instead of its first segment
  let sawParts = false;
  let renditions = null;          // media playlist URIs from the master
  const firstSeen = new Map();    // segment URI -> wall ms of first listing in the first variant
  let last = null;                // last parsed playlist of the first variant
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
      if (renditions && (liveAt === null || partLiveAt === null)) {
        for (const uri of renditions) {
          if (ready.has(uri) && partReady.has(uri)) continue;
          const p = await fetchObject(`${base}/${uri}`);
          if (p.status !== 200) continue;
          const text = p.text();
          const pl = parseMedia(text);
          const dir = `${base}/${uri.slice(0, uri.lastIndexOf("/"))}`;
          const part = firstPart(text);
          sawParts ||= part !== null;
          if (!partReady.has(uri) && part && pl.maps.length &&
              await answers200(`${dir}/${pl.maps[0]}`) && await answers200(`${dir}/${part.uri}`, part.range)) {
            partReady.add(uri);
          }
          if (!ready.has(uri) && pl.segments.length &&
              await answers200(`${dir}/${pl.segments[0].map}`) && await answers200(`${dir}/${pl.segments[0].uri}`)) {
            ready.add(uri);
          }
        }
        if (liveAt === null && ready.size === renditions.length) liveAt = Date.now();
        if (partLiveAt === null && partReady.size === renditions.length) partLiveAt = Date.now();
      }
      if (renditions) {
        const p = await fetchObject(`${base}/${renditions[0]}`);
        if (p.status === 200) {
          const seenAt = Date.now();
          last = parseMedia(p.text());
          for (const seg of last.segments) if (!firstSeen.has(seg.uri)) firstSeen.set(seg.uri, seenAt);
          if (last.ended) break;
        }
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
    ttPart: sawParts && partLiveAt !== null ? partLiveAt - spawnedAt : null,
    connect: connectedAt - spawnedAt,
    firstFrame: pdt0 - spawnedAt,
    segments: segs.length,
    delayA, delayB,
  };
}

// ------------------------------------------------------------------ nginx-rtmp

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Why nginx-rtmp cannot run here, or null.
function nginxMissing() {
  if (!haveTool("nginx")) return "nginx is not installed (apt-get install nginx-light)";
  if (!existsSync(NGINX_RTMP_MODULE)) return `no ${NGINX_RTMP_MODULE} (apt-get install libnginx-mod-rtmp)`;
  return null;
}

// nginx with the RTMP module on free loopback ports, everything in a temp dir:
// RTMP application "live" writing HLS (2 s fragments, one directory per
// stream) that its HTTP server serves. Resolves {rtmp, http, stop()}.
async function startNginx() {
  const dir = mkdtempSync(path.join(tmpdir(), "antcdn-ttl-nginx-"));
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  const user = process.getuid?.() === 0 ? "user root root;" : "";  // workers would drop to nobody
  mkdirSync(path.join(dir, "www", "hls"), { recursive: true });
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  writeFileSync(path.join(dir, "nginx.conf"), `load_module ${NGINX_RTMP_MODULE};
${user}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    application live {
      live on;
      hls on;
      hls_path ${dir}/www/hls;
      hls_nested on;
      hls_fragment 2s;
      hls_playlist_length 20s;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:${httpPort};
    root ${dir}/www;
    add_header Cache-Control no-cache;
  }
}
`);
  const proc = spawn("nginx", ["-p", `${dir}/`, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`],
    { stdio: "ignore" });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  const http = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (proc.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(`${dir}/error.log`, "utf8")}`);
      return (await fetch(`${http}/hls/`).catch(() => null)) !== null;
    }, { timeoutMs: 10000, what: "nginx to answer" });
  } catch (e) {
    await stop();
    throw e;
  }
  return { rtmp: `rtmp://127.0.0.1:${rtmpPort}/live`, http, stop };
}

// Time to live through nginx-rtmp: spawn -> playlist and first fragment answer 200.
async function nginxRun(nginx, file, run) {
  const name = `ttl${run}-${Date.now()}`;
  const spawnedAt = Date.now();
  const pub = ffmpegPublish(`${nginx.rtmp}/${name}`, file);
  const base = `${nginx.http}/hls/${name}`;
  const deadline = spawnedAt + (CLIP_SECONDS + 20) * 1000;
  try {
    while (Date.now() < deadline) {
      const now = Date.now();
      const p = await fetchObject(`${base}/index.m3u8`);
      if (p.status === 200) {
        const pl = parseMedia(p.text());
        if (pl.segments.length && await answers200(`${base}/${pl.segments[0].uri}`)) return Date.now() - spawnedAt;
      }
      const spent = Date.now() - now;
      if (spent < POLL_MS) await sleep(POLL_MS - spent);
    }
    throw new Error(`nginx run ${run}: never fetchable`);
  } finally {
    pub.kill("SIGKILL");
    await pub.exited;
  }
}

async function main() {
  const file = await clip();
  const info = await probeStreams(file);
  const missing = NGINX === "0" ? "NGINX=0" : nginxMissing();
  if (missing && NGINX === "1") throw new Error(`nginx-rtmp: ${missing}`);
  const dataDir = makeDataDir();
  const server = await new Server(dataDir, NO_PER_IP_CAPS).start();
  const nginx = missing ? null : await startNginx();
  console.log(`clip: ${info.video.width}x${info.video.height} ${info.video.frameRate} fps, 2 s GOP, ` +
    `${CLIP_SECONDS} s, ${info.video.frames} video frames; poll every ${POLL_MS} ms; ${RUNS} runs; ` +
    `quality ${QUALITY}, latencyMode ${LATENCY_MODE}; nginx-rtmp: ${missing ? `skipped (${missing})` : "same run"}`);
  const results = [];
  const nginxTtl = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const r = await oneRun(server, file, run);
      results.push(r);
      let ng = "";
      if (nginx) {
        nginxTtl.push(await nginxRun(nginx, file, run));
        ng = `; nginx-rtmp time to live ${nginxTtl.at(-1)} ms`;
      }
      console.log(`run ${run}: time to live ${r.ttl} ms, to first part ${r.ttPart ?? "none"} ` +
        `(publisher connected +${r.connect} ms, first frame at ingest +${r.firstFrame} ms); ` +
        `${r.segments} segments; listing delay A [${r.delayA.join(", ")}] ms, B [${r.delayB.join(", ")}] ms${ng}`);
    }
  } finally {
    await nginx?.stop();
    await server.stop();
    cleanup(dataDir);
  }
  const parts = results.map((r) => r.ttPart).filter((x) => x !== null);
  console.log("");
  console.log(`time to live (spawn -> master + first segment of every rendition): ${stats(results.map((r) => r.ttl))} ms`);
  console.log(`time to first part (spawn -> master + first part of every rendition): ` +
    `${parts.length ? `${stats(parts)} ms` : "none (the playlists have no EXT-X-PART)"}`);
  console.log(`  of which spawn -> RTMP publish accepted:                         ${stats(results.map((r) => r.connect))} ms`);
  console.log(`  of which spawn -> first frame at ingest (PDT of segment 0):      ${stats(results.map((r) => r.firstFrame))} ms`);
  console.log(`listing delay A (spawn + end pts -> listed):                       ${stats(results.flatMap((r) => r.delayA))} ms`);
  console.log(`listing delay B (first-frame arrival + end pts -> listed):         ${stats(results.flatMap((r) => r.delayB))} ms`);
  console.log(`nginx-rtmp time to live (spawn -> playlist + first fragment), same run: ` +
    `${nginx ? `${stats(nginxTtl)} ms` : `skipped (${missing})`}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
