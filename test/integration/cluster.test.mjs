// Three antcdn processes sharing PostgreSQL and an S3 bucket (Swift s3api, which
// checks signatures): `--roles api`, `--roles ingest`, `--roles edge`. A stream
// created on the API node is published to the ingest node and played from the
// edge node, which reads the bucket; the object store dies mid-stream and no
// segment is lost; key rotation on the API node reaches the encoder on the
// ingest node; and a dead ingest node's session is ended by the others.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Server, makeDataDir, cleanup } from "./lib/server.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, probe, waitFor } from "./lib/media.mjs";
import { parseMaster, parseMedia, fetchText, fetchObject, decodes, probeStreams }
  from "./lib/hls.mjs";
import { startBackends, stopBackends, S3_ENV } from "./lib/cluster.mjs";

const LEASE_SECONDS = 3;
const SEGMENT_SECONDS = 2;  // the clips' GOP: 60 frames at 30 fps
let backends;
let scratch;
const nodes = {};

async function startNode(role, extra = [], name = role) {
  const args = [
    "--roles", role, "--node-id", `${name}-1`, "--lease-seconds", String(LEASE_SECONDS),
    "--database", backends.postgresUrl, "--storage", backends.storageUrl("antcdn"), ...extra,
  ];
  const node = await new Server(makeDataDir(), args, { env: S3_ENV }).start();
  nodes[name] = node;
  return node;
}

before(async () => {
  scratch = makeDataDir();
  backends = await startBackends();
  const ingest = await startNode("ingest");
  await startNode("ingest", [], "ingest2");
  const edge = await startNode("edge");
  const api = await startNode("api",
    ["--public-rtmp-url", ingest.rtmpUrl, "--public-edge-url", edge.edgeBase]);
  // The first node to reach the empty database made the first API key.
  api.apiKey = ingest.apiKey;
  assert.ok(api.apiKey, "the first node printed the first API key");
});

after(async () => {
  for (const node of Object.values(nodes)) {
    await node.stop();
    cleanup(node.dataDir);
  }
  if (backends) await stopBackends(backends);
  cleanup(scratch);
});

const seqOf = (uri) => Number(uri.match(/-(\d+)\.m4s$/)[1]);

test("published on ingest, played from the edge, through an object store outage", async () => {
  const { api } = nodes;
  const clip = path.join(scratch, "clip.flv");
  await makeClip(clip, { seconds: 24, size: "320x240", gop: 60 });
  const stream = await createStream(api, { name: "across nodes" });
  assert.ok(stream.ingest.rtmpFullUrl.startsWith(nodes.ingest.rtmpUrl));
  assert.ok(stream.playback.hlsUrl.startsWith(nodes.edge.edgeBase));
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip);
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });

  const media = stream.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
  const early = await waitFor(async () => {
    const res = await fetchObject(media);
    if (res.status !== 200) return null;
    const pl = parseMedia(res.text());
    return pl.segments.length >= 2 ? pl : null;
  }, { timeoutMs: 30000, what: "two segments at the edge" });
  const firstSeq = seqOf(early.segments[0].uri);

  // The API node shows what the ingest node measured and the edge node counted
  // (docs/api.md, "Stream health", "Viewers"), through the database.
  await waitFor(async () => (await getStream(api, stream.streamId)).health?.width === 320,
    { timeoutMs: 15000, intervalMs: 200, what: "the ingest node's health on the API node" });
  const segment = new URL(early.segments.at(-1).uri, media).href;
  await waitFor(async () => {
    assert.equal((await fetchObject(segment)).status, 200);
    return (await getStream(api, stream.streamId)).viewers === 1;
  }, { timeoutMs: 15000, intervalMs: 500, what: "the edge node's viewer on the API node" });

  // LL-HLS on the edge-only node: it learns of parts by polling the bucket, so a
  // blocking reload for the next part is answered once the ingest node wrote it.
  const now = (await fetchObject(media)).text();
  const msn = Number(now.match(/#EXT-X-MEDIA-SEQUENCE:(\d+)/)[1]) +
    now.split("\n").filter((l) => l.length > 0 && !l.startsWith("#")).length;
  const tail = now.slice(now.lastIndexOf(".m4s\n") + 5);
  const part = (tail.match(/#EXT-X-PART:/g) ?? []).length;
  const blocked = await fetchObject(`${media}?_HLS_msn=${msn}&_HLS_part=${part}`);
  assert.equal(blocked.status, 200, blocked.text());
  const session = early.segments[0].uri.replace(/-\d+\.m4s$/, "");
  const partUri = `${session}-${msn}.${part}.m4s`;
  assert.ok(blocked.text().includes(`URI="${partUri}"`) ||
    blocked.text().includes(`\n${session}-${msn}.m4s\n`),
    `the answer holds part ${part} of segment ${msn}: ${blocked.text()}`);
  const partRes = await fetchObject(new URL(partUri, media).href);
  assert.equal(partRes.status, 200, `part ${partUri} from the bucket`);

  // Down for 6 s of the 24 s stream: uploads queue up on the ingest node.
  await backends.killObjectStore();
  await new Promise((r) => setTimeout(r, 6000));
  await backends.restartObjectStore();
  assert.match(nodes.ingest.stderr, /failed, retrying/, "uploads failed during the outage");

  const done = await publisher.wait(60000);
  assert.equal(done.code, 0, done.stderr);
  await waitState(api, stream.streamId, "ended", { timeoutMs: 30000 });
  const final = await waitFor(async () => {
    const res = await fetchObject(media);
    if (res.status !== 200) return null;
    const pl = parseMedia(res.text());
    return pl.ended ? pl : null;
  }, { timeoutMs: 60000, what: "ENDLIST at the edge" });

  // Every segment of the session, read through the edge node from the bucket.
  const last = final.segments.at(-1).uri;
  const base = media.replace(/index\.m3u8$/, "");
  const init = await fetchObject(base + final.maps.at(-1));
  assert.equal(init.status, 200);
  const parts = [init.body];
  for (let seq = firstSeq; seq <= seqOf(last); ++seq) {
    const uri = last.replace(/-\d+\.m4s$/, `-${seq}.m4s`);
    const res = await fetchObject(base + uri);
    assert.equal(res.status, 200, `segment ${uri} after the outage`);
    parts.push(res.body);
  }
  const joined = path.join(scratch, "joined.mp4");
  writeFileSync(joined, Buffer.concat(parts));
  const got = await probe(joined);
  const sent = await probe(clip);
  assert.equal(got.video.frames, sent.video.frames, "every frame arrived");

  // Deleting the stream on the API node removes its objects from the bucket.
  assert.ok(backends.storedObjects() > seqOf(last) - firstSeq);
  const del = await api.api(`/v1/live-streams/${stream.streamId}`, { method: "DELETE" });
  assert.equal(del.status, 204);
  await waitFor(() => backends.storedObjects() === 0,
    { timeoutMs: 60000, intervalMs: 200, what: "the bucket to be empty" });
});

test("a forced key rotation on the API node disconnects the encoder on the ingest node", async () => {
  const { api } = nodes;
  const clip = path.join(scratch, "loop.flv");
  await makeClip(clip, { seconds: 4, size: "320x240", gop: 60 });
  const stream = await createStream(api, { name: "rotate" });
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip, { loop: true });
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });
  const started = Date.now();
  const res = await api.api(`/v1/live-streams/${stream.streamId}/rotate-key?force=true`,
    { method: "POST" });
  assert.equal(res.status, 200);
  const exit = await publisher.wait(10000);
  assert.equal(exit.timedOut, false, "the encoder was disconnected");
  const elapsed = Date.now() - started;
  console.log(`encoder disconnected ${elapsed} ms after the rotation`);
  await waitState(api, stream.streamId, "ended", { timeoutMs: 10000 });
});

// Load balancers do not pin encoders: after a drop, the encoder may come back
// through the other ingest node within the reconnect window. That node takes
// the session over and the same playlists go on after one discontinuity; the
// first node writes nothing more.
test("a reconnect through another ingest node continues the same playlists", async (t) => {
  const { api, edge, ingest2 } = nodes;
  // The first node also serves viewers (ingest and edge roles): once the
  // session has gone on elsewhere, its edge must not keep serving its own last
  // copy of the playlists.
  const combined = await startNode("ingest,edge", [], "combined");
  const clip = path.join(scratch, "loop.flv");
  const stream = await createStream(api,
    { name: "takeover", quality: "passthrough", reconnectWindowSeconds: 30 });
  const first = ffmpegPublish(`${combined.rtmpUrl}/${stream.ingest.streamKey}`, clip, { loop: true });
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });
  const media = stream.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
  const combinedMedia = media.replace(edge.edgeBase, combined.edgeBase);
  assert.notEqual(combinedMedia, media);
  const before = await waitFor(async () => {
    const res = await fetchObject(combinedMedia);
    const pl = res.status === 200 ? parseMedia(res.text()) : null;
    return pl && pl.segments.length >= 2 ? pl : null;
  }, { timeoutMs: 30000, what: "two segments from the first node, through its own edge" });
  first.kill("SIGKILL");
  await first.exited;
  await waitState(api, stream.streamId, "connecting", { timeoutMs: 15000 });

  const second = ffmpegPublish(`${ingest2.rtmpUrl}/${stream.ingest.streamKey}`, clip);
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });
  const done = await second.wait(30000);
  assert.equal(done.code, 0, done.stderr);
  await waitState(api, stream.streamId, "ended", { timeoutMs: 30000 });
  const after = await waitFor(async () => {
    const pl = parseMedia(await fetchText(media));
    return pl.ended ? pl : null;
  }, { timeoutMs: 30000, what: "ENDLIST from the second node" });

  assert.equal(after.discontinuities, 1, "one discontinuity where the second node joined");
  for (const seg of before.segments) {
    if (seg.sequence < after.mediaSequence) continue;  // slid out of the window since
    const same = after.segments.find((s) => s.sequence === seg.sequence);
    assert.equal(same?.uri, seg.uri, `segment ${seg.sequence} is still the first node's`);
  }
  const joined = after.segments.findIndex((s) => s.discontinuity);
  assert.ok(joined > 0, "the first node's segments come first");
  assert.notEqual(after.segments[joined].map, after.segments[joined - 1].map, "a new init");
  for (const seg of after.segments.slice(joined)) {
    assert.equal((await fetchObject(media.replace(/index\.m3u8$/, seg.uri))).status, 200);
  }
  assert.match(combined.stderr, /took the session over|holds the stream now|lease was lost/,
    "the first node saw the takeover");
  // The first node's edge serves what the second node wrote, ENDLIST included.
  const fromCombined = await waitFor(async () => {
    const pl = parseMedia(await fetchText(combinedMedia));
    return pl.ended ? pl : null;
  }, { timeoutMs: 15000, what: "the first node's edge to serve the second node's playlist" });
  assert.deepEqual(fromCombined.segments.map((seg) => seg.uri), after.segments.map((seg) => seg.uri));
  assert.match(ingest2.stderr, /taking over the session/);

  // One recording across both nodes (docs/recordings.md, "Takeover"): the
  // second node claimed the first one's recording and went on from its checkpoint.
  assert.equal(after.mediaSequence, 0, "the live playlist still lists both sessions");
  const published = after.segments.reduce((t, seg) => t + seg.duration, 0);
  const firstSeconds = after.segments.slice(0, joined).reduce((t, seg) => t + seg.duration, 0);
  const recordings = await waitFor(async () => {
    const res = await api.api(`/v1/live-streams/${stream.streamId}/recordings`);
    assert.equal(res.status, 200);
    const { data } = await res.json();
    return data.length > 0 && data.every((r) => r.state !== "recording") ? data : null;
  }, { timeoutMs: 90000, intervalMs: 500, what: "the recording to be finished" });
  assert.equal(recordings.length, 1, "a takeover stays in one recording");
  const [recording] = recordings;
  assert.equal(recording.state, "ready");
  assert.match(ingest2.stderr, new RegExp(`continues recording ${recording.recordingId}`));
  const hls = recording.playback.hlsUrl;
  const base = hls.replace(/master\.m3u8$/, "");
  const master = parseMaster(await fetchText(hls));
  const renditions = new Set([...master.variants.map((v) => v.uri), ...master.media.map((m) => m.URI)]
    .filter(Boolean).map((uri) => uri.split("/")[0]));
  assert.ok(renditions.has("source") && renditions.has("audio"), [...renditions].join());
  for (const r of renditions) {
    const text = await fetchText(`${base}${r}/index.m3u8`);
    assert.match(text, /#EXT-X-PLAYLIST-TYPE:VOD\n/, `${r} is a VOD playlist`);
    assert.match(text, /#EXT-X-ENDLIST\n/, `${r} has ENDLIST`);
    assert.equal(text.match(/#EXT-X-DISCONTINUITY\n/g)?.length, 1, `${r}: one discontinuity`);
    assert.equal(text.match(/#EXT-X-MAP/g)?.length, 2, `${r}: one init section per session`);
    const pl = parseMedia(text);
    const sessions = new Set(pl.segments.map((seg) => seg.uri.replace(/-\d+\.m4s$/, "")));
    assert.equal(sessions.size, 2, `${r}: segments of both sessions`);
  }
  const decoded = await decodes(hls);
  assert.ok(decoded.ok, `every segment of the recording decodes: ${decoded.stderr}`);
  const probed = await probeStreams(hls);
  assert.ok(published > firstSeconds + SEGMENT_SECONDS, `${published} s vs ${firstSeconds} s`);
  assert.ok(Math.abs(probed.duration - published) <= SEGMENT_SECONDS,
    `HLS recording of ${probed.duration} s vs ${published} s published over both nodes`);
  assert.equal(recording.playback.mp4Url, `${base}download.mp4`);
  const mp4 = await fetchObject(recording.playback.mp4Url);
  assert.equal(mp4.status, 200);
  const file = path.join(scratch, `${recording.recordingId}.mp4`);
  writeFileSync(file, mp4.body);
  const probedMp4 = await probeStreams(file);
  assert.ok(probedMp4.video && probedMp4.audio, "the MP4 has video and audio");
  assert.ok(Math.abs(probedMp4.duration - published) <= SEGMENT_SECONDS,
    `MP4 of ${probedMp4.duration} s vs ${published} s published over both nodes`);
  t.diagnostic(`published ${published.toFixed(3)} s (first node ${firstSeconds.toFixed(3)} s); ` +
    `recording ${recording.durationSeconds} s; HLS ${probed.duration} s; MP4 ${probedMp4.duration} s`);
});

test("a dead ingest node's session is ended by the others after its lease", async () => {
  const { api, ingest } = nodes;
  const clip = path.join(scratch, "loop.flv");
  const stream = await createStream(api, { name: "orphan" });
  const publisher = ffmpegPublish(stream.ingest.rtmpFullUrl, clip, { loop: true });
  await waitState(api, stream.streamId, "live", { timeoutMs: 30000 });
  ingest.proc.kill("SIGKILL");
  await ingest.exited;
  await publisher.wait(10000);
  const ended = await waitState(api, stream.streamId, "ended",
    { timeoutMs: (LEASE_SECONDS + 10) * 1000 });
  assert.ok(ended.endedAt);
  const media = stream.playback.hlsUrl.replace(/master\.m3u8$/, "source/index.m3u8");
  await waitFor(async () => parseMedia(await fetchText(media)).ended,
    { timeoutMs: 15000, what: "the abandoned session's playlist to be closed" });
});
