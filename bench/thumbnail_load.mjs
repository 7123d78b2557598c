#!/usr/bin/env node
// What thumbnails cost a running server: one passthrough stream (a 1280x720
// 30 fps H.264 clip at 4.5 Mbit/s, 2 s GOP, published in a loop) whose
// thumbnail is asked for all the time: every 100 ms, four requests at once
// (width 320 twice, the default width twice). Reads the server's
// antcdn_thumbnail_render_cpu_seconds before and after: renders per 2 s (the
// cache allows one per width, so at most 2 here), CPU ms per render and the
// share of a core they took.
//
//   node bench/thumbnail_load.mjs [SECONDS=30]
//
// Environment: ANTCDN_BIN (default build/antcdn).
import path from "node:path";
import { Server, makeDataDir, cleanup } from "../test/integration/lib/server.mjs";
import { createStream, waitState } from "../test/integration/lib/streams.mjs";
import { makeClip, ffmpegPublish, waitFor } from "../test/integration/lib/media.mjs";

const seconds = Number(process.argv[2] ?? 30);
const dataDir = makeDataDir();
const clip = await makeClip(path.join(dataDir, "clip.flv"), {
  seconds: 10, size: "1280x720", rate: 30, gop: 60,
  vcodec: ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "4500k", "-g", "60", "-keyint_min", "60",
    "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
});
const server = await new Server(dataDir).start();
const stream = await createStream(server);
const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip, { loop: true });
try {
  await waitState(server, stream.streamId, "live", { timeoutMs: 30000 });
  const url = (query) => `${server.edgeBase}/live/${stream.edgeId}/thumbnail.jpg${query}`;
  await waitFor(async () => (await fetch(url(""))).status === 200, { timeoutMs: 10000, what: "a thumbnail" });
  const renders = async () => {
    const text = await (await fetch(server.metricsUrl)).text();
    const value = (name) => Number(text.match(new RegExp(`^${name} (\\S+)`, "m"))?.[1] ?? 0);
    return { count: value("antcdn_thumbnail_render_cpu_seconds_count"),
      cpu: value("antcdn_thumbnail_render_cpu_seconds_sum") };
  };
  const before = await renders();
  const start = Date.now();
  const statuses = {};
  while (Date.now() - start < seconds * 1000) {
    const answers = await Promise.all(["?width=320", "", "?width=320", ""].map(async (q) => {
      const res = await fetch(url(q));
      await res.arrayBuffer();
      return res.status;
    }));
    for (const s of answers) statuses[s] = (statuses[s] ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = await renders();
  const wall = (Date.now() - start) / 1000;
  const count = after.count - before.count;
  const cpu = after.cpu - before.cpu;
  console.log(JSON.stringify({
    wall_s: +wall.toFixed(1), statuses, renders: count, renders_per_2s: +(count / wall * 2).toFixed(2),
    cpu_ms_per_render: +(cpu / count * 1000).toFixed(2), core_percent: +(cpu / wall * 100).toFixed(2),
  }));
} finally {
  publisher.kill();
  await publisher.wait(5000);
  await server.stop();
  cleanup(dataDir);
}
