// Issue 16, point 3: what serving a recording's MP4 costs the edge. A
// synthetic download.mp4 (SIZE_MIB, default 1024: random bytes written
// straight into the disk store) is downloaded whole by CLIENTS clients at
// once, then by one client that reads slowly (SLOW_MIB_PER_S) and gives up
// after SLOW_SECONDS. The server's RSS is sampled every 50 ms; the figures
// printed are its growth against the file's size (the edge streams the file
// from the store in 2 MiB pieces, two at most per client in memory).
//
// With REMUX_SECONDS=N it also publishes N seconds of a ~14 Mbit/s stream and
// reports how long the recording took to be ready after the publish ended and
// the server's peak RSS meanwhile; run it with ANTCDN_BIN pointing at an older
// build (the MP4 built in memory) to compare.
//
//   node bench/big_download.mjs                     (SIZE_MIB=1024 CLIENTS=4)
//   REMUX_SECONDS=120 node bench/big_download.mjs
//
// Everything runs on this machine's cores: throughput figures are comparative.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, openSync, readFileSync, writeSync, closeSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "../test/integration/lib/server.mjs";
import { createStream, waitState } from "../test/integration/lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor } from "../test/integration/lib/media.mjs";

const SIZE_MIB = Number(process.env.SIZE_MIB ?? 1024);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const SLOW_MIB_PER_S = Number(process.env.SLOW_MIB_PER_S ?? 4);
const SLOW_SECONDS = Number(process.env.SLOW_SECONDS ?? 5);
const REMUX_SECONDS = Number(process.env.REMUX_SECONDS ?? 0);
const MiB = 1024 * 1024;

const rssMb = (pid) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;

// Samples the RSS of `pid` every 50 ms until stop() (which returns the peak).
function sampleRss(pid) {
  let peak = rssMb(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
  return () => { clearInterval(timer); return Math.max(peak, rssMb(pid)); };
}

// A valid recording id (rec_ + a ULID).
// Waits for the stream's (newest) recording to be ready.
function readyRecording(srv, streamId) {
  return waitFor(async () => {
    const page = await (await srv.api(`/v1/live-streams/${streamId}/recordings`)).json();
    return page.data[0]?.state === "ready" ? page.data[0] : null;
  }, { timeoutMs: 600000, intervalMs: 100, what: "the recording to be ready" });
}

// GET `url` reading at most `mibPerS` (0: as fast as it comes) for at most
// `seconds` (0: to the end); resolves {bytes, sha256, ms}.
function download(url, { mibPerS = 0, seconds = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const hash = createHash("sha256");
    let bytes = 0;
    const req = http.get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
      res.on("data", (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
        const elapsed = (Date.now() - started) / 1000;
        if (seconds && elapsed >= seconds) {
          req.destroy();
          resolve({ bytes, sha256: null, ms: Date.now() - started });
          return;
        }
        if (mibPerS) {
          const ahead = bytes / (mibPerS * MiB) - elapsed;
          if (ahead > 0) {
            res.pause();
            setTimeout(() => res.resume(), ahead * 1000);
          }
        }
      });
      res.on("end", () => resolve({ bytes, sha256: hash.digest("hex"), ms: Date.now() - started }));
      res.on("error", reject);
    });
    req.on("error", (e) => (seconds ? resolve({ bytes, sha256: null, ms: Date.now() - started }) : reject(e)));
  });
}

const dir = makeDataDir();
const srv = await new Server(dir, []).start();
try {
  // A real recording (the edge serves /vod/ only for a recording of the
  // stream), whose download.mp4 is then replaced by the synthetic file.
  const stream = await createStream(srv, { name: "bench", reconnectWindowSeconds: 0 });
  const short = await makeClip(path.join(dir, "short.flv"), { seconds: 3 });
  const published = await ffmpegPublish(stream.ingest.rtmpFullUrl, short).wait(60000);
  if (published.code !== 0) throw new Error(`publish: ${published.stderr}`);
  const rec = (await readyRecording(srv, stream.streamId)).recordingId;
  const folder = path.join(dir, "media", "recordings", rec);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "download.mp4");
  const fd = openSync(file, "w");
  const block = randomBytes(MiB);
  const expected = createHash("sha256");
  for (let i = 0; i < SIZE_MIB; ++i) {
    block.writeUInt32LE(i, 0);  // no two MiB alike
    writeSync(fd, block);
    expected.update(block);
  }
  closeSync(fd);
  const sha = expected.digest("hex");
  const url = `${srv.edgeBase}/vod/${stream.edgeId}/${rec}/download.mp4`;
  const pid = srv.proc.pid;

  const base = rssMb(pid);
  let stop = sampleRss(pid);
  const t0 = Date.now();
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => download(url)));
  const ms = Date.now() - t0;
  let peak = stop();
  for (const r of results) {
    if (r.bytes !== SIZE_MIB * MiB || r.sha256 !== sha) throw new Error("a download differs from the file");
  }
  const total = CLIENTS * SIZE_MIB;
  console.log(`# ${CLIENTS} clients downloading a ${SIZE_MIB} MiB download.mp4 at once (every byte checked)`);
  console.log(`RSS MB: before ${base.toFixed(1)}, peak ${peak.toFixed(1)}, growth ${(peak - base).toFixed(1)}`);
  console.log(`growth / file size: ${((peak - base) / SIZE_MIB).toFixed(4)}; ` +
    `growth / bytes sent: ${((peak - base) / total).toFixed(5)}; per client: ${((peak - base) / CLIENTS).toFixed(1)} MB`);
  console.log(`throughput: ${(total / (ms / 1000)).toFixed(0)} MiB/s in all over ${(ms / 1000).toFixed(1)} s`);

  const before = rssMb(pid);
  stop = sampleRss(pid);
  const slow = await download(url, { mibPerS: SLOW_MIB_PER_S, seconds: SLOW_SECONDS });
  peak = stop();
  console.log(`# one client reading ${SLOW_MIB_PER_S} MiB/s for ${SLOW_SECONDS} s, then leaving`);
  console.log(`read ${(slow.bytes / MiB).toFixed(1)} MiB of ${SIZE_MIB}; RSS MB before ${before.toFixed(1)}, ` +
    `peak ${peak.toFixed(1)}, growth ${(peak - before).toFixed(1)} (the file is ${SIZE_MIB} MiB)`);

  if (REMUX_SECONDS > 0) {
    const vcodec = ["-vf", "noise=alls=15:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
      "-qp", "28", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p"];
    const clip = await makeClip(path.join(dir, "noisy.flv"),
      { seconds: REMUX_SECONDS, size: "640x360", vcodec });
    const s = await createStream(srv, { name: "long", reconnectWindowSeconds: 0 });
    const pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip);
    const r = await pub.wait(REMUX_SECONDS * 1000 + 60000);
    if (r.code !== 0) throw new Error(`publish: ${r.stderr}`);
    const ended = Date.now();
    const rssAtEnd = rssMb(pid);
    stop = sampleRss(pid);
    await waitState(srv, s.streamId, "ended", { timeoutMs: 60000 });
    const recording = await readyRecording(srv, s.streamId);
    const readyMs = Date.now() - ended;
    peak = stop();
    const head = await fetch(recording.playback.mp4Url ?? "", { method: "HEAD" }).catch(() => null);
    const mp4Mib = head?.ok ? Number(head.headers.get("content-length")) / MiB : 0;
    console.log(`# a ${REMUX_SECONDS} s recording at ~14 Mbit/s (${process.env.ANTCDN_BIN ?? "build/antcdn"})`);
    console.log(`MP4 ${mp4Mib.toFixed(1)} MiB (mp4Url ${recording.playback.mp4Url ? "set" : "null"}); ` +
      `ready ${(readyMs / 1000).toFixed(1)} s after the publish ended; RSS MB at the end ` +
      `${rssAtEnd.toFixed(1)}, peak while finishing ${peak.toFixed(1)}, ` +
      `growth / MP4 ${mp4Mib ? ((peak - rssAtEnd) / mp4Mib).toFixed(3) : "n/a"}`);
  }
} finally {
  await srv.stop();
  cleanup(dir);
}
