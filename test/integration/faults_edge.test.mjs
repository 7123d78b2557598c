// A flood of made-up segment names at the edge while a viewer plays: every
// made-up name is a 404 (answered from the playlist the edge holds, without an
// origin read: test/unit/edge/edge_router_test.cc counts those), and the
// viewer keeps getting new segments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { clipForTests, ffmpegPublish } from "./lib/media.mjs";
import { parseMaster, fetchText, fetchObject, edgeUrl, waitPlaylist } from "./lib/hls.mjs";

const clip = clipForTests({ seconds: 4, size: "320x180", gop: 15 });

test("random segment names at the edge: 404s, and a viewer keeps playing", { timeout: 90000 },
  async () => {
    const dir = makeDataDir();
    const server = await new Server(dir).start();
    let pub;
    try {
      const s = await createStream(server);
      pub = ffmpegPublish(s.ingest.rtmpFullUrl, clip.path, { loop: true });
      await waitState(server, s.streamId, "live", { timeoutMs: 30000 });
      const master = parseMaster(await fetchText(edgeUrl(server.edgeBase, s.edgeId, "master.m3u8")));
      const rendition = master.variants[0].uri.split("/")[0];
      const playlistUrl = edgeUrl(server.edgeBase, s.edgeId, `${rendition}/index.m3u8`);
      const before = await waitPlaylist(playlistUrl, (p) => p.segments.length > 0);
      const newest = before.segments.at(-1);
      const session = newest.uri.replace(/-\d+\.m4s$/, "");
      const seq = Number(newest.uri.match(/-(\d+)\.m4s$/)[1]);

      // 2,000 names: other sessions, far-away numbers, unknown init sections.
      const names = [];
      for (let i = 0; i < 2000; i++) {
        const r = Math.floor(Math.random() * 1e9);
        names.push([`x${r}-${i}.m4s`, `${session}-${seq + 1000 + r}.m4s`, `init-y${r}.mp4`][i % 3]);
      }
      const statuses = new Map();
      for (let i = 0; i < names.length; i += 200) {
        const batch = names.slice(i, i + 200).map(async (n) => {
          const r = await fetchObject(edgeUrl(server.edgeBase, s.edgeId, `${rendition}/${n}`));
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        });
        await Promise.all(batch);
      }
      assert.deepEqual([...statuses], [[404, 2000]]);

      // The viewer: a newer segment appears and is served.
      const later = await waitPlaylist(playlistUrl,
        (p) => p.segments.some((x) => x.uri !== newest.uri && !before.segments.some((b) => b.uri === x.uri)),
        { timeoutMs: 20000, what: "a new segment after the flood" });
      const seg = await fetchObject(edgeUrl(server.edgeBase, s.edgeId, `${rendition}/${later.segments.at(-1).uri}`));
      assert.equal(seg.status, 200);
      assert.ok(seg.body.length > 0);
    } finally {
      pub?.kill("SIGKILL");
      await server.stop();
      cleanup(dir);
    }
  });
