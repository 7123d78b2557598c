#!/usr/bin/env node
// Glass-to-glass latency, time to first frame and stalls of the viewer page, per
// latencyMode (issue 14, point 7), measured in headless Chromium.
//
//   node bench/glass_to_glass.mjs        (RUNS=3 MODES=low,standard QUALITY=standard)
//
// One `antcdn serve` (temporary data dir, loopback ports). Per run and mode: a
// new stream with that latencyMode; ffmpeg publishes a cached 1280x720 30 fps
// H.264 clip (2 s GOP) with -re -stream_loop -1 plus a live AAC tone (as the
// browser tests do); once the stream is live and WARMUP_S more seconds have
// passed (a viewer joining a running broadcast), the viewer page
// /watch/{edgeId} opens in a fresh browser context and is watched for
// MEASURE_S seconds from its first `playing`:
//
// - glass-to-glass: every second, Date.now() − hls.playingDate. playingDate is
//   the PROGRAM-DATE-TIME of the fragment being shown plus the playhead's
//   offset into it; the server stamps PDT with its wall clock when the frame
//   reached ingest, and the browser runs on the same host, so both clocks are
//   one. The encoder-side delay before ingest (ffmpeg's buffering) is not in
//   it; everything after it is (ingest, transcode, packaging, storage, edge,
//   playlist refresh, the player's buffer). Median and p95 per run.
// - time to first frame: from starting the navigation to the first rendered
//   video frame (requestVideoFrameCallback), and to the first `playing`.
// - stalls: `waiting` events after the first `playing`, and hls.js
//   BUFFER_STALLED_ERROR events, over the MEASURE_S window.
//
// Each figure is printed per run, then the median of the runs per mode. On a
// server without LL-HLS the "low" streams are plain HLS too: the run says
// whether the playlists carried parts (hls.js saw a partList).
//
// Environment: ANTCDN_BIN (default build/antcdn), RUNS, MODES, QUALITY
// (standard|high|passthrough), WARMUP_S (6), MEASURE_S (60), BENCH_CACHE (clip
// cache, default ${TMPDIR:-/tmp}/antcdn-bench), ANTCDN_CHROMIUM.
import { mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Server, makeDataDir, cleanup, NO_PER_IP_CAPS } from "../test/integration/lib/server.mjs";
import { makeClip, publishLive, haveTool } from "../test/integration/lib/media.mjs";
import { waitState } from "../test/integration/lib/streams.mjs";
import { launchBrowser } from "../test/integration/lib/browser.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const MODES = (process.env.MODES ?? "low,standard").split(",");
const QUALITY = process.env.QUALITY ?? "standard";
const WARMUP_S = Number(process.env.WARMUP_S ?? 6);
const MEASURE_S = Number(process.env.MEASURE_S ?? 60);
const CACHE = process.env.BENCH_CACHE ?? path.join(process.env.TMPDIR ?? tmpdir(), "antcdn-bench");

if (!haveTool("ffmpeg")) {
  console.error("missing: ffmpeg");
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
const median = (xs) => quantile(xs, 0.5);
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "n/a");

async function clip() {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, "g2g-720p30-g60-video-10s.flv");
  if (!existsSync(file)) {
    console.log(`generating ${file} ...`);
    await makeClip(file, {
      seconds: 10, size: "1280x720", rate: 30, gop: 60, audio: false,
      vcodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-keyint_min", "60",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "6M"],
    });
  }
  return file;
}

// Runs in the page before its own scripts: records the first frame, the
// first `playing`, `waiting` events (capture phase: media events do not
// bubble) and hls.js BUFFER_STALLED_ERRORs of every player the page builds.
function instrument() {
  const m = {
    firstFrameAt: null, playingAt: null,
    waiting: 0, bufferStalled: 0, players: 0, samples: [], hlsLatency: [], parts: false,
  };
  window.__g2g = m;
  document.addEventListener("playing", (e) => {
    if (m.playingAt === null && e.target.tagName === "VIDEO") m.playingAt = Date.now();
  }, true);
  document.addEventListener("waiting", (e) => {
    if (m.playingAt !== null && e.target.tagName === "VIDEO") m.waiting += 1;
  }, true);
  let seen = null;
  setInterval(() => {
    const hls = window.__viewer?.hls;
    const video = document.querySelector("video");
    if (video && !video.__g2g && video.requestVideoFrameCallback) {
      video.__g2g = true;
      video.requestVideoFrameCallback(() => { m.firstFrameAt ??= Date.now(); });
    }
    if (hls && hls !== seen) {
      seen = hls;
      m.players += 1;
      hls.on(window.Hls.Events.ERROR, (_, d) => {
        if (d.details === window.Hls.ErrorDetails.BUFFER_STALLED_ERROR) {
          m.bufferStalled += 1;
        }
      });
    }
  }, 50);
}

// One sample a second of the latency figures, for `seconds` from now.
async function sample(page, seconds) {
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    await page.evaluate(() => {
      const m = window.__g2g;
      const hls = window.__viewer?.hls;
      const date = hls?.playingDate;
      if (date) m.samples.push(Date.now() - date.getTime());
      if (Number.isFinite(hls?.latency)) m.hlsLatency.push(hls.latency * 1000);
      const details = hls?.latestLevelDetails ?? hls?.levels?.[hls.currentLevel]?.details;
      if (details?.partList?.length) m.parts = true;
    });
  }
}

async function oneRun(server, browser, file, latencyMode, run) {
  const res = await server.api("/v1/live-streams", {
    method: "POST",
    body: { name: `g2g ${latencyMode} ${run}`, quality: QUALITY, latencyMode, reconnectWindowSeconds: 0 },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  const s = await res.json();
  const pub = publishLive(s.ingest.rtmpFullUrl, file);
  const context = await browser.newContext();
  try {
    await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
    await sleep(WARMUP_S * 1000);
    await context.addInitScript(instrument);
    const page = await context.newPage();
    const openedAt = Date.now();
    await page.goto(`${server.edgeBase}/watch/${s.edgeId}`);
    await page.waitForFunction(() => window.__g2g.playingAt !== null, null, { timeout: 60000, polling: 50 });
    await sample(page, MEASURE_S);
    const m = await page.evaluate(() => ({ ...window.__g2g, nudges: window.__viewer.nudges,
      lowLatencyMode: window.__viewer.hls?.config.lowLatencyMode }));
    return {
      latencyMode, run,
      g2gMedian: median(m.samples), g2gP95: quantile(m.samples, 0.95), samples: m.samples.length,
      hlsLatency: median(m.hlsLatency),
      ttff: (m.firstFrameAt ?? NaN) - openedAt, ttPlaying: m.playingAt - openedAt,
      waiting: m.waiting, bufferStalled: m.bufferStalled, players: m.players, nudges: m.nudges,
      parts: m.parts, lowLatencyMode: m.lowLatencyMode,
    };
  } finally {
    await context.close();
    pub.kill("SIGINT");  // unpublish, so that the next run has the machine to itself
    await pub.wait(15000);
    await waitState(server, s.streamId, ["ended", "idle"], { timeoutMs: 20000 }).catch(() => {});
  }
}

function describe(r) {
  return `${r.latencyMode} run ${r.run}: glass-to-glass median ${ms(r.g2gMedian)} p95 ${ms(r.g2gP95)} ` +
    `(${r.samples} samples; hls.js latency ${ms(r.hlsLatency)}); first frame ${ms(r.ttff)}, ` +
    `playing ${ms(r.ttPlaying)}; stalls: ${r.waiting} waiting, ${r.bufferStalled} BUFFER_STALLED; ` +
    `players ${r.players}, nudges ${r.nudges}; hls.js lowLatencyMode ${r.lowLatencyMode}, ` +
    `LL parts ${r.parts ? "seen" : "none"}`;
}

async function main() {
  const file = await clip();
  const browser = await launchBrowser();
  const dataDir = makeDataDir();
  const server = await new Server(dataDir, NO_PER_IP_CAPS).start();
  console.log(`quality ${QUALITY}; modes ${MODES.join(", ")}; ${RUNS} runs each; viewer joins ` +
    `${WARMUP_S} s after live and is measured for ${MEASURE_S} s`);
  const results = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of MODES) {
        const r = await oneRun(server, browser, file, mode, run);
        results.push(r);
        console.log(describe(r));
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    cleanup(dataDir);
  }
  console.log("");
  console.log("median of runs:");
  for (const mode of MODES) {
    const rs = results.filter((r) => r.latencyMode === mode);
    const of = (f) => median(rs.map(f));
    console.log(`  ${mode.padEnd(8)} glass-to-glass median ${ms(of((r) => r.g2gMedian))}, ` +
      `p95 ${ms(of((r) => r.g2gP95))}; first frame ${ms(of((r) => r.ttff))}; ` +
      `stalls ${of((r) => r.waiting)} waiting / ${of((r) => r.bufferStalled)} BUFFER_STALLED per ${MEASURE_S} s; ` +
      `LL parts ${rs.every((r) => r.parts) ? "seen" : rs.some((r) => r.parts) ? "in some runs" : "none"}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
