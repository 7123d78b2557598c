// Two full nodes on one PostgreSQL database, both running delivery workers:
// every event of a publish on node A is delivered once, in order, whichever
// node sends it (claims are leased with FOR UPDATE SKIP LOCKED); test events
// queued through both nodes go once each, in order; and an SSE client on node
// B follows a stream published on node A.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Server, makeDataDir, cleanup, SOURCE_DIR } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { clipForTests, ffmpegPublish, run } from "./lib/media.mjs";
import { WebhookReceiver, verifySignature } from "./lib/webhook_receiver.mjs";
import { SseClient } from "./lib/sse.mjs";

const clip = clipForTests({ seconds: 3 });
const pgTool = path.join(SOURCE_DIR, "tools", "pg_loopback.sh");
let pgDir;
let receiver;
const nodes = [];

before(async () => {
  pgDir = mkdtempSync(path.join(tmpdir(), "antcdn-wh-pg-"));
  chmodSync(pgDir, 0o755);  // PostgreSQL runs as its own user and must reach its folder
  const started = await run(pgTool, ["start", path.join(pgDir, "pg")], { timeoutMs: 120000 });
  assert.equal(started.code, 0, started.stderr);
  const database = started.stdout.trim();
  receiver = await new WebhookReceiver().start();
  for (const name of ["a", "b"]) {
    nodes.push(await new Server(makeDataDir(), ["--database", database, "--node-id", name,
      "--webhooks-allow-private"]).start());
  }
  nodes[1].apiKey = nodes[0].apiKey;  // the first node made the first key
});

after(async () => {
  for (const node of nodes) {
    await node.stop();
    cleanup(node.dataDir);
  }
  await receiver?.stop();
  if (pgDir) {
    await run(pgTool, ["stop", path.join(pgDir, "pg")]);
    cleanup(pgDir);
  }
});

async function createWebhook(node, url) {
  const res = await node.api("/v1/webhooks", { method: "POST", body: { url } });
  assert.equal(res.status, 201);
  return res.json();
}

test("a publish on node A: each event once, in order, seen by SSE on node B", async () => {
  const [a, b] = nodes;
  const hook = await createWebhook(b, `${receiver.url}/cluster`);
  const stream = await createStream(a);
  const sse = await SseClient.open(`${b.apiBase}/v1/live-streams/${stream.streamId}/events`,
    { "X-Api-Key": b.apiKey });
  const publisher = ffmpegPublish(`${a.rtmpUrl}/${stream.ingest.streamKey}`, clip.path);
  await publisher.exited;
  await waitState(a, stream.streamId, "ended", { timeoutMs: 20000 });
  // (The session's recording.ready comes too; its order is checked in recordings.test.mjs.)
  const ofStream = (d) => d.path === "/cluster" && d.event.data?.streamId === stream.streamId &&
    d.event.type.startsWith("live_stream.");
  await receiver.waitFor((d) => ofStream(d) && d.event.type === "live_stream.ended");
  const got = receiver.matching(ofStream);
  assert.deepEqual(got.map((d) => d.event.type), ["live_stream.created",
    "live_stream.connecting", "live_stream.live", "live_stream.ended"]);
  for (const d of got) assert.ok(verifySignature(d.headers["antcdn-signature"], hook.secret, d.raw));
  const seen = await sse.waitFor((e) => e.event === "live_stream.ended");
  assert.equal(seen[0].id, got[3].event.id, "node B's feed has node A's events");
  assert.deepEqual(sse.events.map((e) => e.event).filter((e) => e.startsWith("live_stream.")),
    ["live_stream.connecting", "live_stream.live", "live_stream.ended"]);
  sse.close();
});

test("test events queued through both nodes: each delivered once, in order", async () => {
  const [a, b] = nodes;
  const hook = await createWebhook(a, `${receiver.url}/burst`);
  const ids = [];
  for (let i = 0; i < 30; i++) {
    const node = i % 2 ? a : b;
    const res = await node.api(`/v1/webhooks/${hook.webhookId}/test`, { method: "POST" });
    assert.equal(res.status, 202);
    ids.push((await res.json()).eventId);
  }
  await receiver.waitFor((d) => d.path === "/burst", ids.length, { what: "every test event" });
  const sent = receiver.matching((d) => d.path === "/burst").map((d) => d.event.id);
  assert.equal(new Set(sent).size, sent.length, "no event was delivered twice");
  assert.deepEqual(sent, ids, "test events of one webhook go in order");
});
