// Soak: PASSTHROUGH passthrough publishers (720p30, ~4.7 Mbit/s) and STANDARD
// transcoded ones (360p source) publish for SOAK_SECONDS while CLIENTS HLS
// viewers play them the way a player does (master once, then each rendition
// playlist every half target duration, every new init section and segment).
//
//   node bench/soak.mjs          (SOAK_SECONDS=600 CLIENTS=500 PASSTHROUGH=8 STANDARD=2)
//
// Reports: client errors (any request that is not a 200 with a body, or that
// fails), requests and bytes served, the server's RSS every SAMPLE_S seconds
// and its slope (least squares, MB/min, first minute excluded: warm-up; also less
// the segment cache's bytes from /metrics, since the cache fills to its cap), and
// the worst event-loop lateness the server logs (10 ms timer probe).
// Viewers spread round-robin over the streams and over each stream's
// renditions; audio is fetched by a third of them.
import { readFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup, NO_PER_IP_CAPS } from "../test/integration/lib/server.mjs";
import { createStream, waitState } from "../test/integration/lib/streams.mjs";
import { makeClip, ffmpegPublish, run } from "../test/integration/lib/media.mjs";
import { parseMaster, parseMedia } from "../test/integration/lib/hls.mjs";

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CLIENTS = Number(process.env.CLIENTS ?? 500);
const PASSTHROUGH = Number(process.env.PASSTHROUGH ?? 8);
const STANDARD = Number(process.env.STANDARD ?? 2);
const SAMPLE_S = Number(process.env.SAMPLE_S ?? 10);
const CACHE = process.env.BENCH_CACHE ?? "/tmp/antcdn-bench";

const rssMb = (pid) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, USER_HZ = 100
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// What the edge's segment cache holds (antcdn_cache_bytes on /metrics), MB.
// Also malloc's bytes in use and held free (antcdn_heap_*), MB: growth of RSS
// less the cache with "in use" flat is fragmentation, not memory we keep.
async function memoryMb() {
  const text = await (await fetch(server.metricsUrl)).text();
  const mb = (name) => Number(text.match(new RegExp(`^${name}\\s+([0-9.e+]+)`, "m"))?.[1] ?? NaN) / 1048576;
  return { cache: mb("antcdn_cache_bytes"), heap: mb("antcdn_heap_allocated_bytes"),
    free: mb("antcdn_heap_free_bytes") };
}

async function clip(name, size, bitrate, seconds) {
  const file = path.join(CACHE, name);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    const made = await run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=30:duration=${seconds}`,
      "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-b:v", bitrate,
      "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "128k",
      "-ac", "2", "-f", "flv", file], { timeoutMs: 600000 });
    if (made.code !== 0) throw new Error(`could not make ${file}: ${made.stderr}`);
  }
  return file;
}

const stats = { requests: 0, bytes: 0, errors: 0, errorSamples: [] };
function error(what) {
  stats.errors++;
  if (stats.errorSamples.length < 10) stats.errorSamples.push(what);
}
async function get(url) {
  try {
    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    stats.requests++;
    stats.bytes += body.length;
    if (res.status !== 200 || body.length === 0) {
      error(`${res.status} ${url}`);
      return null;
    }
    return body;
  } catch (e) {
    error(`${e.cause?.code ?? e.message} ${url}`);
    return null;
  }
}

// One viewer: follows one playlist until `stopAt`, like a player at the live edge.
async function viewer(masterUrl, pick, stopAt) {
  const base = masterUrl.slice(0, masterUrl.lastIndexOf("/") + 1);
  const master = await get(masterUrl);
  if (!master) return;
  const m = parseMaster(master.toString("utf8"));
  const uris = [...m.variants.map((v) => v.uri), ...m.media.filter((x) => x.URI).map((x) => x.URI)];
  const uri = uris[pick % uris.length];
  const dir = base + uri.slice(0, uri.lastIndexOf("/") + 1);
  const seen = new Set();
  let map;
  while (Date.now() < stopAt) {
    const text = await get(base + uri);
    let wait = 1000;
    if (text) {
      const p = parseMedia(text.toString("utf8"));
      wait = (p.targetDuration ?? 2) * 500;
      // Start at the live edge (the last three), then every new segment.
      const fresh = p.segments.filter((s) => !seen.has(s.uri));
      for (const s of seen.size === 0 ? fresh.slice(-3) : fresh) {
        if (s.map && s.map !== map) {
          map = s.map;
          await get(dir + s.map);
        }
        await get(dir + s.uri);
      }
      for (const s of p.segments) seen.add(s.uri);
    }
    await sleep(wait);
  }
}

const work = makeDataDir();
// --max-transcodes defaults to half the cores; the soak runs all of its transcodes.
const server = await new Server(work, ["--log-level", "debug", ...NO_PER_IP_CAPS,
  "--max-transcodes", String(Math.max(1, STANDARD))]).start();
const pubs = [];
try {
  const big = await clip("720p30_4500k_30s.flv", "1280x720", "4500k", 30);
  const small = await clip("360p30_30s.flv", "640x360", "1200k", 30);
  const streams = [];
  for (let i = 0; i < PASSTHROUGH + STANDARD; i++) {
    const quality = i < PASSTHROUGH ? "passthrough" : "standard";
    const s = await createStream(server, { name: `soak ${i}`, quality });
    pubs.push(ffmpegPublish(s.ingest.rtmpFullUrl, quality === "passthrough" ? big : small, { loop: true }));
    streams.push(s);
  }
  for (const s of streams) await waitState(server, s.streamId, "live", { timeoutMs: 60000 });
  console.log(`soak: ${PASSTHROUGH} passthrough + ${STANDARD} standard publishers live; ` +
    `${CLIENTS} viewers for ${SOAK_SECONDS} s`);

  const pid = server.proc.pid;
  const start = Date.now();
  const stopAt = start + SOAK_SECONDS * 1000;
  const viewers = [];
  for (let i = 0; i < CLIENTS; i++) {
    const s = streams[i % streams.length];
    viewers.push(viewer(`${server.edgeBase}/live/${s.edgeId}/master.m3u8`, Math.floor(i / streams.length), stopAt));
    await sleep(2);  // not all in the same millisecond
  }
  const samples = [];
  const cpu0 = cpuSeconds(pid);
  while (Date.now() < stopAt) {
    samples.push({ t: (Date.now() - start) / 60000, rss: rssMb(pid), ...await memoryMb() });
    const dead = pubs.filter((p) => p.proc.exitCode !== null);
    if (dead.length) error(`${dead.length} publishers exited`);
    await sleep(SAMPLE_S * 1000);
  }
  await Promise.all(viewers);
  const cpu = (cpuSeconds(pid) - cpu0) / ((Date.now() - start) / 1000) * 100;
  const states = await Promise.all(streams.map(async (s) =>
    (await (await server.api(`/v1/live-streams/${s.streamId}`)).json()).state));

  // Least-squares slopes over time, after the first minute: RSS, and RSS less
  // what the segment cache holds (it fills up to its cap, which is not a leak).
  const xs = samples.filter((s) => s.t >= 1);
  const slopeOf = (y) => {
    if (xs.length < 2) return NaN;
    const mt = xs.reduce((a, s) => a + s.t, 0) / xs.length;
    const my = xs.reduce((a, s) => a + y(s), 0) / xs.length;
    return xs.reduce((a, s) => a + (s.t - mt) * (y(s) - my), 0) /
      xs.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  };
  const slope = slopeOf((s) => s.rss);
  const slopeLessCache = slopeOf((s) => s.rss - s.cache);
  for (const p of pubs) p.kill("SIGKILL");
  await server.stop();
  const worst = [...server.stderr.matchAll(/worst timer lateness ([0-9.]+) ms \(ingest\/API\), ([0-9.]+) ms \(edge\)/g)].at(-1);
  const late = [...server.stderr.matchAll(/(\w+) loop: a timer fired ([0-9.]+) ms late/g)];
  const after = (loop) => late.filter((m) => m[1] === loop).map((m) => Number(m[2]));

  console.log(`streams still live at the end: ${states.filter((s) => s === "live").length}/${streams.length}`);
  console.log(`client requests: ${stats.requests}, errors: ${stats.errors}, served: ${(stats.bytes / 1e9).toFixed(2)} GB`);
  for (const e of stats.errorSamples) console.log(`  error: ${e}`);
  console.log(`server CPU: ${cpu.toFixed(0)} % of one core`);
  console.log(`RSS MB: start ${samples[0]?.rss.toFixed(0)}, end ${samples.at(-1)?.rss.toFixed(0)}, ` +
    `max ${Math.max(...samples.map((s) => s.rss)).toFixed(0)}; slope after the first minute ${slope.toFixed(2)} MB/min, ` +
    `${slopeLessCache.toFixed(2)} MB/min less the segment cache`);
  const perMinute = samples.filter((s, i) => i % Math.max(1, Math.round(60 / SAMPLE_S)) === 0);
  console.log(`RSS / cache MB by minute: ${perMinute.map((s) => `${s.rss.toFixed(0)}/${s.cache.toFixed(0)}`).join(" ")}`);
  console.log(`malloc in use / held free MB by minute: ${perMinute.map((s) => `${s.heap.toFixed(0)}/${s.free.toFixed(0)}`).join(" ")}; ` +
    `in use less the cache: slope ${slopeOf((s) => s.heap - s.cache).toFixed(2)} MB/min`);
  console.log(`worst event-loop lateness, whole run (ms): ingest/API ${worst?.[1]}, edge ${worst?.[2]}; ` +
    `late timers logged (>= 10 ms): ingest ${after("ingest").length}, edge ${after("edge").length}`);
  process.exitCode = stats.errors === 0 ? 0 : 1;
} finally {
  for (const p of pubs) p.kill("SIGKILL");
  await server.stop().catch(() => {});
  cleanup(work);
}
