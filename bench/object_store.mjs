// Issue 7's measurements against a real Swift s3api and PostgreSQL on loopback:
//   1. segments/s the upload path (WriteQueue -> S3Store) sustains, next to disk
//      (build/upload_bench);
//   2. requests/s for a cached segment and a playlist from an edge-only node
//      reading the bucket, next to the single-node edge (SQLite, disk), with wrk;
//   3. what a 60 s object-store outage costs the ingest node in memory while a
//      ~4 Mbit/s stream keeps coming (RSS sampled every second), and that it
//      catches up afterwards.
//
//   node bench/object_store.mjs            (OUTAGE_SECONDS=60 WRK_SECONDS=10 by default)
//
// Everything shares the machine's cores: the figures are comparative.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup, startServer, stopServer } from "../test/integration/lib/server.mjs";
import { createStream, waitState } from "../test/integration/lib/streams.mjs";
import { makeClip, ffmpegPublish, run, waitFor } from "../test/integration/lib/media.mjs";
import { fetchObject, parseMedia } from "../test/integration/lib/hls.mjs";
import { startBackends, stopBackends, S3_ENV } from "../test/integration/lib/cluster.mjs";

const OUTAGE_SECONDS = Number(process.env.OUTAGE_SECONDS ?? 60);
const WRK_SECONDS = Number(process.env.WRK_SECONDS ?? 10);
const build = path.dirname(process.env.ANTCDN_BIN ?? "build/antcdn");

const rssMb = (pid) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;

function wrk(url) {
  const r = spawnSync("wrk", ["-t2", "-c64", `-d${WRK_SECONDS}s`, url], { encoding: "utf8" });
  const rps = Number(r.stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  if (!rps || /Non-2xx/.test(r.stdout)) throw new Error(`wrk ${url}: ${r.stdout}${r.stderr}`);
  return rps;
}

// Publishes `clip` in a loop to a new passthrough stream on `api`; resolves
// {stream, publisher, media (source playlist URL), segment (a listed segment URL)}.
async function publish(api, clip) {
  const stream = await createStream(api, { name: "bench" });
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip, { loop: true });
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });
  const media = stream.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
  const pl = await waitFor(async () => {
    const r = await fetchObject(media);
    return r.status === 200 && parseMedia(r.text()).segments.length >= 2 ? parseMedia(r.text()) : null;
  }, { timeoutMs: 30000, what: "segments" });
  return { stream, publisher, media, segment: media.replace(/index\.m3u8$/, pl.segments[0].uri) };
}

Object.assign(process.env, S3_ENV);  // for upload_bench
const backends = await startBackends();
const scratch = makeDataDir();
const nodes = [];
let single;
try {
  // 1. Upload path.
  console.log("# uploads: 200 segments of 1 MB, each followed by a playlist put; 1 stream, then 8");
  const up = await run(path.join(build, "upload_bench"),
    [backends.s3Endpoint, "200", String(1 << 20), path.join(scratch, "disk"), "8"],
    { timeoutMs: 600000 });
  process.stdout.write(up.stdout + up.stderr);
  if (up.code !== 0) throw new Error("upload_bench failed");

  const clip = path.join(scratch, "clip.flv");
  await makeClip(clip, {
    seconds: 10, size: "1280x720", gop: 60,
    vcodec: ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M", "-maxrate", "4M",
      "-bufsize", "8M", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
  });

  // 2. Edge: single node vs edge-only node on the bucket.
  ({ server: single } = await startServer());
  const start = async (role, extra = []) => {
    const node = await new Server(makeDataDir(), ["--roles", role, "--node-id", `${role}-bench`,
      "--database", backends.postgresUrl, "--storage", backends.storageUrl("bench"), ...extra],
    { env: S3_ENV }).start();
    nodes.push(node);
    return node;
  };
  const ingest = await start("ingest");
  const edge = await start("edge");
  const api = await start("api", ["--public-rtmp-url", ingest.rtmpUrl, "--public-edge-url", edge.edgeBase]);
  api.apiKey = ingest.apiKey;

  const a = await publish(single, clip);
  const b = await publish(api, clip);
  console.log(`# edge: wrk -t2 -c64 -d${WRK_SECONDS}s, keep-alive`);
  for (const [what, one, other] of [["segment", a.segment, b.segment], ["playlist", a.media, b.media]]) {
    const bytes = (await fetchObject(one)).body.length;
    const local = wrk(one);
    const remote = wrk(other);
    console.log(JSON.stringify({ object: what, bytes, single_node_rps: Math.round(local),
      edge_on_s3_rps: Math.round(remote), ratio: +(remote / local).toFixed(2) }));
  }
  a.publisher.kill("SIGINT");
  await a.publisher.exited;

  // 3. Outage.
  const before = rssMb(ingest.proc.pid);
  console.log(`# outage: ${OUTAGE_SECONDS} s with one ~4 Mbit/s stream publishing; ingest RSS ${before.toFixed(1)} MB before`);
  await backends.killObjectStore();
  let peak = before;
  for (let s = 0; s < OUTAGE_SECONDS; ++s) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, rssMb(ingest.proc.pid));
  }
  await backends.restartObjectStore();
  const recovered = Date.now();
  // Caught up: the edge's playlist lists a segment that began after the outage.
  const afterOutage = await waitFor(async () => {
    const r = await fetchObject(b.media);
    if (r.status !== 200) return null;
    const pl = parseMedia(r.text());
    const pdt = Date.parse(pl.segments.at(-1).pdt ?? 0);
    return pdt > recovered ? pl : null;
  }, { timeoutMs: 120000, intervalMs: 250, what: "the edge to catch up" });
  console.log(JSON.stringify({
    outage_s: OUTAGE_SECONDS, rss_before_mb: +before.toFixed(1), rss_peak_mb: +peak.toFixed(1),
    growth_mb: +(peak - before).toFixed(1), stream_mb_during_outage: +(4 * OUTAGE_SECONDS / 8).toFixed(1),
    caught_up_s: +((Date.now() - recovered) / 1000).toFixed(1),
    segments_listed_after: afterOutage.segments.length,
  }));
  b.publisher.kill("SIGINT");
  await b.publisher.exited;
} finally {
  for (const n of nodes) { await n.stop(); cleanup(n.dataDir); }
  await stopServer(single, single?.dataDir);
  await stopBackends(backends);
  cleanup(scratch);
}
