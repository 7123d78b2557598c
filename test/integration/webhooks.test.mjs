// Webhooks against the real binary and a real HTTP receiver: the API
// (validation, per-key isolation, the private-target policy), signed
// deliveries in order for a real ffmpeg publish, retries after a 500, the
// test call and the deliveries list; then the SSE feed of a stream, resumed
// with Last-Event-ID.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, stopServer } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { clipForTests, ffmpegPublish, waitFor } from "./lib/media.mjs";
import { WebhookReceiver, verifySignature } from "./lib/webhook_receiver.mjs";
import { SseClient } from "./lib/sse.mjs";

const clip = clipForTests({ seconds: 3 });
let server;
let dataDir;
let receiver;

before(async () => {
  receiver = await new WebhookReceiver().start();
  ({ server, dataDir } = await startServer({ args: ["--webhooks-allow-private"] }));
});
after(async () => {
  await stopServer(server, dataDir);
  await receiver.stop();
});

async function createWebhook(body, key = server.apiKey) {
  const res = await server.api("/v1/webhooks", { method: "POST", body, key });
  const json = await res.json();
  assert.equal(res.status, 201, JSON.stringify(json));
  return json;
}

test("create, list, get and delete; bad input is a 400 that says why", async () => {
  const hook = await createWebhook({ url: `${receiver.url}/crud`, description: "crud" });
  assert.match(hook.webhookId, /^wh_[0-9a-z]{26}$/);
  assert.match(hook.secret, /^whsec_/);
  assert.deepEqual(hook.events, ["*"]);
  const got = await (await server.api(`/v1/webhooks/${hook.webhookId}`)).json();
  assert.equal(got.url, `${receiver.url}/crud`);
  assert.equal(got.secret, undefined, "the secret is shown once");
  const list = await (await server.api("/v1/webhooks")).json();
  assert.ok(list.data.some((w) => w.webhookId === hook.webhookId && w.secret === undefined));

  for (const [body, words] of [
    ["{not json", /not valid JSON/],
    [{ url: `${receiver.url}/x`, evnts: ["live_stream.live"] }, /unknown field evnts/],
    [{ url: "ftp://example.com/x" }, /http or https/],
    [{ url: "not a url" }, /absolute/],
    [{ url: `${receiver.url}/x`, events: ["live_stream.paused"] }, /unknown event type/],
    [{ url: `${receiver.url}/x`, events: [] }, /non-empty/],
    [{ description: "no url" }, /url is required/],
  ]) {
    const res = await server.api("/v1/webhooks", { method: "POST", body });
    const json = await res.json();
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(json.error.code, "invalid_request");
    assert.match(json.error.message, words);
  }
  assert.equal((await server.api(`/v1/webhooks/${hook.webhookId}`, { method: "DELETE" })).status, 204);
  assert.equal((await server.api(`/v1/webhooks/${hook.webhookId}`)).status, 404);
});

test("one key never sees another key's webhooks", async () => {
  const other = server.keys("create", "--name", "other").trim();
  const theirs = await createWebhook({ url: `${receiver.url}/theirs`,
    events: ["live_stream.deleted"] }, other);
  const base = `/v1/webhooks/${theirs.webhookId}`;
  for (const [path, method] of [[base, "GET"], [base, "DELETE"], [`${base}/test`, "POST"],
    [`${base}/deliveries`, "GET"]]) {
    const res = await server.api(path, { method });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal((await res.json()).error.message, "webhook not found");
  }
  const mine = await (await server.api("/v1/webhooks")).json();
  assert.ok(!mine.data.some((w) => w.webhookId === theirs.webhookId));
  assert.equal((await server.api(base, { method: "DELETE", key: other })).status, 204);
});

test("private targets are refused without --webhooks-allow-private", async () => {
  const { server: strict, dataDir: strictDir } = await startServer();
  try {
    for (const url of [`${receiver.url}/x`, "http://localhost:9/x", "http://169.254.169.254/",
      "http://[::1]:9/", "http://10.0.0.1/"]) {
      const res = await strict.api("/v1/webhooks", { method: "POST", body: { url } });
      const json = await res.json();
      assert.equal(res.status, 400, url);
      assert.match(json.error.message, /loopback, link-local or private/);
    }
  } finally {
    await stopServer(strict, strictDir);
  }
});

test("a real publish delivers created, connecting, live, ended: signed, in order", async () => {
  const hook = await createWebhook({ url: `${receiver.url}/ordered` });
  const stream = await createStream(server);
  const publisher = ffmpegPublish(`${server.rtmpUrl}/${stream.ingest.streamKey}`, clip.path);
  await publisher.exited;
  await waitState(server, stream.streamId, "ended", { timeoutMs: 20000 });
  const ofStream = (d) => d.path === "/ordered" && d.event.data?.streamId === stream.streamId;
  await receiver.waitFor((d) => ofStream(d) && d.event.type === "live_stream.ended", 1,
    { what: "the ended event" });
  // (Every type: the session's recording.ready comes too, with the recording as data.)
  const [recorded] = await receiver.waitFor((d) => ofStream(d) && d.event.type === "recording.ready", 1,
    { what: "the recording.ready event" });
  assert.match(recorded.event.data.recordingId, /^rec_/);
  const got = receiver.matching((d) => ofStream(d) && d.event.type.startsWith("live_stream."));
  assert.deepEqual(got.map((d) => d.event.type), ["live_stream.created",
    "live_stream.connecting", "live_stream.live", "live_stream.ended"]);
  for (const d of got) {
    assert.ok(verifySignature(d.headers["antcdn-signature"], hook.secret, d.raw),
      `signature of ${d.event.type}`);
    assert.ok(!verifySignature(d.headers["antcdn-signature"], "whsec_wrong", d.raw));
    assert.equal(d.headers["antcdn-event-id"], d.event.id);
    assert.match(d.event.id, /^evt_[0-9a-z]{26}$/);
    assert.equal(d.headers["content-type"], "application/json");
    assert.equal(d.event.data.ingest.streamKey, undefined, "never the stream key");
    assert.ok(!d.raw.includes(stream.ingest.streamKey));
  }
  assert.equal(got[2].event.data.state, "live");
  assert.equal(got[3].event.data.state, "ended");
  assert.equal(got[3].event.data.playback.edgeId, stream.edgeId);
});

test("a delivery answered 500 is retried; the test call and the deliveries list", async () => {
  const hook = await createWebhook({ url: `${receiver.url}/flaky`, events: ["live_stream.deleted"] });
  const seen = new Set();
  receiver.answer = (d) => {
    if (d.path !== "/flaky" || seen.has(d.event.id)) return 200;
    seen.add(d.event.id);
    return 500;
  };
  const res = await server.api(`/v1/webhooks/${hook.webhookId}/test`, { method: "POST" });
  assert.equal(res.status, 202);
  const { eventId } = await res.json();
  const got = await receiver.waitFor((d) => d.event.id === eventId, 2, { what: "the retried test event" });
  assert.equal(got[0].event.type, "webhook.test");
  assert.equal(got[0].event.data.webhookId, hook.webhookId);
  assert.deepEqual(got.map((d) => d.headers["antcdn-delivery-attempt"]), ["1", "2"]);
  assert.ok(verifySignature(got[1].headers["antcdn-signature"], hook.secret, got[1].raw));
  // Recorded right after the answer came; poll the list until it shows.
  const list = await waitForAttempts(hook.webhookId, 2);
  assert.deepEqual(list.map((a) => [a.eventId, a.attempt, a.statusCode, a.outcome]),
    [[eventId, 2, 200, "delivered"], [eventId, 1, 500, "retrying"]]);
  assert.equal(list[1].error, "receiver answered HTTP 500");
  assert.equal(list[0].error, null);
  const one = await (await server.api(`/v1/webhooks/${hook.webhookId}/deliveries?limit=1`)).json();
  assert.equal(one.data.length, 1);
  assert.equal((await server.api(`/v1/webhooks/${hook.webhookId}/deliveries?limit=0`)).status, 400);
});

async function waitForAttempts(webhookId, count) {
  return waitFor(async () => {
    const body = await (await server.api(`/v1/webhooks/${webhookId}/deliveries`)).json();
    return body.data.length >= count ? body.data : null;
  }, { timeoutMs: 10000, what: "the attempts in the deliveries list" });
}

test("SSE: a stream's events in the webhook envelopes, resumed with Last-Event-ID", async () => {
  const stream = await createStream(server);
  const url = `${server.apiBase}/v1/live-streams/${stream.streamId}/events`;
  const other = server.keys("create", "--name", "sse-other").trim();
  const refused = await fetch(url, { headers: { "X-Api-Key": other } });
  assert.equal(refused.status, 404, "another key's stream");
  assert.equal((await fetch(url)).status, 401);

  const sse = await SseClient.open(url, { "X-Api-Key": server.apiKey });
  assert.equal(sse.response.status, 200);
  assert.equal(sse.response.headers.get("content-type"), "text/event-stream");
  // Not shown: what happened before the feed opened (no Last-Event-ID).
  const patch = (name) => server.api(`/v1/live-streams/${stream.streamId}`, { method: "PATCH", body: { name } });
  assert.equal((await patch("first")).status, 200);
  const [first] = await sse.waitFor((e) => e.event === "live_stream.updated");
  assert.equal(first.data.type, "live_stream.updated");
  assert.equal(first.id, first.data.id);
  assert.equal(first.data.data.name, "first");
  assert.equal(sse.events[0].id, first.id, "nothing from before the feed opened");
  sse.close();

  // Changes while nobody listens are replayed after the last event seen.
  assert.equal((await patch("second")).status, 200);
  assert.equal((await patch("third")).status, 200);
  const resumed = await SseClient.open(url, { "X-Api-Key": server.apiKey, "Last-Event-ID": first.id });
  const replay = await resumed.waitFor((e) => e.event === "live_stream.updated", 2);
  assert.deepEqual(replay.map((e) => e.data.data.name), ["second", "third"]);
  // And the feed goes on live after the replay.
  const publisher = ffmpegPublish(`${server.rtmpUrl}/${stream.ingest.streamKey}`, clip.path);
  await publisher.exited;
  const states = await resumed.waitFor((e) => e.event === "live_stream.ended", 1, { timeoutMs: 20000 });
  assert.equal(states[0].data.data.state, "ended");
  const streamEvents = resumed.events.filter((e) => e.event.startsWith("live_stream."));
  assert.deepEqual(streamEvents.map((e) => e.event), ["live_stream.updated", "live_stream.updated",
    "live_stream.connecting", "live_stream.live", "live_stream.ended"]);
  resumed.close();
});

test("SSE on the edge: public status changes, no key", async () => {
  const stream = await createStream(server);
  const url = `${server.edgeBase}/live/${stream.edgeId}/events`;
  assert.equal((await fetch(`${server.edgeBase}/live/lse_00000000000000000000000000/events`)).status, 404);
  const sse = await SseClient.open(url);
  assert.equal(sse.response.status, 200);
  assert.equal(sse.response.headers.get("access-control-allow-origin"), "*");
  const [now] = await sse.waitFor((e) => e.event === "status");
  assert.deepEqual(now.data,
    { state: "idle", startedAt: null, endedAt: null, viewers: 0, latencyMode: "low", replay: null });
  const publisher = ffmpegPublish(`${server.rtmpUrl}/${stream.ingest.streamKey}`, clip.path);
  await publisher.exited;
  const all = await sse.waitFor((e) => e.event === "status" && e.data.state === "ended", 1, { timeoutMs: 20000 });
  const states = sse.events.map((e) => e.data.state);
  assert.deepEqual(states, ["idle", "connecting", "live", "ended"]);
  assert.ok(all[0].data.startedAt && all[0].data.endedAt);
  // status.json comes through the edge's 1 s cache of the store: wait for it to catch up.
  const status = await waitFor(async () => {
    const s = await (await fetch(`${server.edgeBase}/live/${stream.edgeId}/status.json`)).json();
    return s.state === "ended" ? s : null;
  }, { what: "status.json to show ended" });
  // The state fields of status.json; the audience, the latency mode and the replay are not
  // part of a state change.
  const { viewers, latencyMode: _mode, replay: _replay, ...stateFields } = status;
  assert.equal(viewers, 0);
  assert.deepEqual(sse.events.at(-1).data, stateFields, "the state fields of status.json");
  // Resumed after "connecting": live and ended again.
  const resumed = await SseClient.open(url, { "Last-Event-ID": sse.events[1].id });
  const again = await resumed.waitFor((e) => e.id, 2);
  assert.deepEqual(again.map((e) => e.data.state), ["live", "ended"]);
  sse.close();
  resumed.close();
});

test("SIGTERM with feeds open: they end and the server exits cleanly", async () => {
  const stream = await createStream(server);
  const api = await SseClient.open(`${server.apiBase}/v1/live-streams/${stream.streamId}/events`,
    { "X-Api-Key": server.apiKey });
  const edge = await SseClient.open(`${server.edgeBase}/live/${stream.edgeId}/events`);
  await edge.waitFor((e) => e.event === "status");
  await server.stop();  // throws unless the exit is clean
  await waitFor(() => api.ended && edge.ended, { what: "both feeds to end" });
});
