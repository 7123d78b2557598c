// The OpenAPI document at /v1/openapi.json against the real binary: it is a
// valid OpenAPI 3.1 document for this version, and every call, success and
// error, answers what it says (status, content type, headers, body schema).
// The last test asserts that every documented operation and status (but the
// 500 and 503 that need a failing server) was driven here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BIN, SOURCE_DIR, rawRequest, startServer, stopServer } from "./lib/server.mjs";
import { Contract, validateDocument } from "./lib/openapi.mjs";
import { RawPublisher } from "./lib/rtmp_client.mjs";
import { waitState } from "./lib/streams.mjs";
import { ffmpegPublish, makeClip, waitFor } from "./lib/media.mjs";

const MAX_STREAMS = 6;  // per key, so that 429 is reachable
const COLLECTION = "/v1/live-streams";
const ITEM = "/v1/live-streams/{streamId}";
const ROTATE = "/v1/live-streams/{streamId}/rotate-key";
const EVENTS = "/v1/live-streams/{streamId}/events";
const HOOKS = "/v1/webhooks";
const HOOK = "/v1/webhooks/{webhookId}";
const HOOK_TEST = "/v1/webhooks/{webhookId}/test";
const HOOK_DELIVERIES = "/v1/webhooks/{webhookId}/deliveries";
const RECORDINGS = "/v1/live-streams/{streamId}/recordings";
const RECORDING = "/v1/recordings/{recordingId}";

let server;
let dataDir;
let contract;

before(async () => {
  // Private webhook targets allowed: the webhooks below point at a closed local port.
  ({ server, dataDir } = await startServer({
    args: ["--max-streams-per-key", String(MAX_STREAMS), "--webhooks-allow-private"],
  }));
  contract = new Contract(await (await fetch(`${server.apiBase}/v1/openapi.json`)).json());
});
after(() => stopServer(server, dataDir));

// One call, checked against the document; returns the parsed body.
async function call(template, method, { id, query = "", protocol, ...opts } = {}) {
  const target = template.replace("{streamId}", id ?? "").replace("{webhookId}", id ?? "")
    .replace("{recordingId}", id ?? "") + query;
  const res = await server.api(target, { method, ...opts });
  const body = await contract.check(res, template, method, { protocol });
  return { status: res.status, body, headers: res.headers };
}

async function expectStatus(status, ...args) {
  const r = await call(...args);
  assert.equal(r.status, status, `${args[1]} ${args[0]}${args[2]?.query ?? ""}: ${JSON.stringify(r.body)}`);
  return r;
}

// A valid request body: the document's schema accepts it too.
function good(template, method, body) {
  assert.ok(contract.accepts(contract.requestSchema(template, method), body),
    `the document refuses a body the server takes: ${JSON.stringify(body)}`);
  return body;
}

// An invalid request body: the document's schema refuses it too (unless it is
// not JSON at all, which no schema sees).
function bad(template, method, body) {
  if (typeof body !== "string") {
    assert.ok(!contract.accepts(contract.requestSchema(template, method), body),
      `the document allows a body the server refuses: ${JSON.stringify(body)}`);
  }
  return body;
}

// A raw HTTP/1.1 answer as a fetch-like Response, so the contract can check it.
function asResponse(raw) {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
  return new Response(rest.join("\r\n\r\n"), { status: Number(statusLine.split(" ")[1]), headers });
}

test("the document is served without a key, is valid OpenAPI 3.1 and matches this build", async () => {
  const res = await fetch(`${server.apiBase}/v1/openapi.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.headers.get("cache-control"), "public, max-age=300");
  const text = await res.text();
  const doc = JSON.parse(text);

  const validity = await validateDocument(doc);
  assert.ok(validity.valid, JSON.stringify(validity.errors, null, 1));
  assert.equal(validity.version, "3.1");
  assert.match(doc.openapi, /^3\.1\.\d+$/);

  // The same bytes as web/openapi.json, and the version `antcdn version` prints.
  assert.equal(text, readFileSync(path.join(SOURCE_DIR, "web/openapi.json"), "utf8"));
  const version = execFileSync(BIN, ["version"], { encoding: "utf8" }).split(" ")[1];
  assert.equal(doc.info.version, version);
  assert.ok(doc.components.securitySchemes.ApiKey);
  assert.deepEqual(doc.security, [{ ApiKey: [] }]);

  // The document describes its own answer, the GET and the HEAD.
  await contract.check(new Response(text, { status: 200, headers: res.headers }), "/v1/openapi.json", "GET");
  const head = await fetch(`${server.apiBase}/v1/openapi.json`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get("content-length")), Buffer.byteLength(text));
  await contract.check(head, "/v1/openapi.json", "HEAD");
});

test("health, GET and HEAD, needs no key", async () => {
  assert.equal((await expectStatus(200, "/healthz", "GET", { key: null })).body.status, "ok");
  await expectStatus(200, "/healthz", "HEAD", { key: null });
});

test("create, get, list with pagination, patch, rotate-key and delete", async () => {
  const created = [];
  for (const name of ["First", "Second", "Third"]) {
    const body = good(COLLECTION, "POST", { name, quality: "high", reconnectWindowSeconds: 30 });
    const r = await expectStatus(201, COLLECTION, "POST", { body });
    assert.equal(r.headers.get("location"), `/v1/live-streams/${r.body.streamId}`);
    created.push(r.body);
  }
  const [first, , third] = created;
  assert.equal(first.state, "idle");
  assert.equal(first.quality, "high");

  const got = (await expectStatus(200, ITEM, "GET", { id: first.streamId })).body;
  assert.equal(got.ingest.streamKey, undefined, "GET never shows the key");
  assert.equal(got.ingest.rtmpFullUrl, undefined);

  // Two pages of two, newest first; the last page's cursor is null.
  const page1 = (await expectStatus(200, COLLECTION, "GET", { query: "?limit=2" })).body;
  assert.deepEqual(page1.data.map((s) => s.name), ["Third", "Second"]);
  assert.equal(typeof page1.nextCursor, "string");
  const page2 = (await expectStatus(200, COLLECTION, "GET",
    { query: `?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}` })).body;
  assert.deepEqual(page2.data.map((s) => s.name), ["First"]);
  assert.equal(page2.nextCursor, null);
  assert.ok(page1.data.concat(page2.data).every((s) => s.ingest.streamKey === undefined));

  const patch = good(ITEM, "PATCH", { name: "Renamed", quality: "passthrough", reconnectWindowSeconds: 0 });
  const patched = (await expectStatus(200, ITEM, "PATCH", { id: first.streamId, body: patch })).body;
  assert.equal(patched.name, "Renamed");
  assert.equal(patched.reconnectWindowSeconds, 0);
  good(ITEM, "PATCH", {});
  good(ITEM, "PATCH", { name: "x", unknownField: true });

  const rotated = (await expectStatus(200, ROTATE, "POST", { id: first.streamId })).body;
  assert.notEqual(rotated.ingest.streamKey, first.ingest.streamKey);

  for (const s of created) {
    await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
  }
  await expectStatus(404, ITEM, "GET", { id: third.streamId });
});

test("400: bad JSON, bad fields, bad query", async () => {
  const bodies = [
    "{nope", "[1, 2]", { name: 42 }, { name: "" }, { name: "x".repeat(201) }, { name: "a\u0001b" },
    { name: "x", quality: "4k" }, { name: "x", reconnectWindowSeconds: 1801 },
    { name: "x", reconnectWindowSeconds: 1.5 }, { name: "x", reconnectWindowSeconds: "60" },
    { quality: "high" },
  ];
  for (const body of bodies) {
    const r = await expectStatus(400, COLLECTION, "POST", { body: bad(COLLECTION, "POST", body) });
    assert.equal(r.body.error.code, "invalid_request");
  }
  const s = (await expectStatus(201, COLLECTION, "POST", { body: { name: "Target" } })).body;
  for (const body of ["{nope", { name: null }, { quality: 1 }, { reconnectWindowSeconds: -1 }]) {
    await expectStatus(400, ITEM, "PATCH", { id: s.streamId, body: bad(ITEM, "PATCH", body) });
  }
  for (const query of ["?limit=0", "?limit=101", "?limit=ten", "?cursor=nope", "?cursor=%zz"]) {
    await expectStatus(400, COLLECTION, "GET", { query });
  }
  await expectStatus(400, ROTATE, "POST", { id: s.streamId, query: "?force=%zz" });
  await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
});

test("401 on every /v1 call without a valid key, with WWW-Authenticate", async () => {
  const id = "ls_00000000000000000000000000";
  const calls = [
    [COLLECTION, "POST", { body: { name: "x" } }], [COLLECTION, "GET", {}],
    [ITEM, "GET", { id }], [ITEM, "PATCH", { id, body: { name: "x" } }], [ITEM, "DELETE", { id }],
    [ROTATE, "POST", { id }],
  ];
  for (const [template, method, opts] of calls) {
    for (const key of [null, "ak_notakey"]) {
      const r = await expectStatus(401, template, method, { ...opts, key });
      assert.equal(r.body.error.code, "unauthorized");
    }
  }
});

test("404 for unknown, malformed and other keys' streams", async () => {
  const other = server.keys("create", "--name", "openapi-other").trim();
  const theirs = (await expectStatus(201, COLLECTION, "POST", { body: { name: "Theirs" }, key: other })).body;
  // Word for word the same answer, so another key's stream is not even hinted at.
  const answers = new Map();
  for (const id of ["ls_00000000000000000000000000", "ls_nope", theirs.streamId]) {
    for (const [template, method, body] of [[ITEM, "GET"], [ITEM, "PATCH", { name: "x" }],
      [ITEM, "DELETE"], [ROTATE, "POST"]]) {
      const r = await expectStatus(404, template, method, { id, body });
      const key = `${method} ${template}`;
      if (!answers.has(key)) answers.set(key, r.body);
      assert.deepEqual(r.body, answers.get(key), `${key} for ${id}`);
    }
  }
  await expectStatus(204, ITEM, "DELETE", { id: theirs.streamId, key: other });
});

test("413 for a body over 64 KiB, 415 for a body that is not JSON", async () => {
  const s = (await expectStatus(201, COLLECTION, "POST", { body: { name: "Sizes" } })).body;
  const huge = JSON.stringify({ name: "x".repeat(70 * 1024) });
  for (const [template, method, id] of [[COLLECTION, "POST"], [ITEM, "PATCH", s.streamId]]) {
    const tooLarge = await expectStatus(413, template, method, { id, body: huge });
    assert.equal(tooLarge.body.error.code, "payload_too_large");
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const r = await expectStatus(415, template, method,
        { id, body: JSON.stringify({ name: "x" }), headers: { "Content-Type": type } });
      assert.equal(r.body.error.code, "unsupported_media_type");
    }
  }
  // Media type parameters and case do not matter.
  await expectStatus(200, ITEM, "PATCH", { id: s.streamId, body: JSON.stringify({ name: "y" }),
    headers: { "Content-Type": "Application/JSON; charset=utf-8" } });
  await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
});

test("409 while on air: patch of quality, rotation without force, delete", async () => {
  const s = (await expectStatus(201, COLLECTION, "POST", { body: { name: "On air" } })).body;
  const rtmpPort = Number(new URL(server.rtmpUrl.replace(/^rtmp:/, "http:")).port);
  const publisher = await RawPublisher.publish(rtmpPort, s.ingest.streamKey);
  try {
    assert.equal(publisher.status, "NetStream.Publish.Start");
    await waitState(server, s.streamId, ["connecting", "live"]);
    for (const body of [{ quality: "high" }, { reconnectWindowSeconds: 5 }]) {
      const r = await expectStatus(409, ITEM, "PATCH", { id: s.streamId, body });
      assert.equal(r.body.error.code, "conflict");
    }
    await expectStatus(200, ITEM, "PATCH", { id: s.streamId, body: { name: "Renamed on air" } });
    await expectStatus(409, ROTATE, "POST", { id: s.streamId });
    await expectStatus(409, ROTATE, "POST", { id: s.streamId, query: "?force=false" });
    await expectStatus(409, ITEM, "DELETE", { id: s.streamId });
    // A forced rotation answers at once and ends the session.
    const forced = (await expectStatus(200, ROTATE, "POST", { id: s.streamId, query: "?force=true" })).body;
    assert.notEqual(forced.ingest.streamKey, s.ingest.streamKey);
    await waitState(server, s.streamId, ["ended", "idle"]);
  } finally {
    publisher.close();
  }
  await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
});

test("429 once a key owns its limit of streams", async () => {
  const key = server.keys("create", "--name", "openapi-quota").trim();
  const ids = [];
  for (let i = 0; i < MAX_STREAMS; i++) {
    ids.push((await expectStatus(201, COLLECTION, "POST", { body: { name: `Quota ${i}` }, key })).body.streamId);
  }
  const r = await expectStatus(429, COLLECTION, "POST", { body: { name: "One too many" }, key });
  assert.equal(r.body.error.code, "too_many_requests");
  for (const id of ids) await expectStatus(204, ITEM, "DELETE", { id, key });
});

test("errors answered before any operation: 404 route, 405, 431, malformed HTTP", async () => {
  for (const p of ["/v1/unknown", "/v1/live-streams/ls_00000000000000000000000000/nope"]) {
    const res = await server.api(p);
    assert.equal(res.status, 404);
    assert.equal((await contract.check(res, p, "GET", { protocol: true })).error.code, "not_found");
  }
  const methods = [[COLLECTION, "PUT"], [COLLECTION, "DELETE"], [ITEM, "POST"], [ROTATE, "GET"],
    ["/v1/openapi.json", "POST"], ["/healthz", "DELETE"]];
  for (const [template, method] of methods) {
    const r = await expectStatus(405, template, method,
      { id: "ls_00000000000000000000000000", protocol: true });
    assert.equal(r.body.error.code, "method_not_allowed");
    assert.ok(r.headers.get("allow"), "405 says Allow");
  }
  const big = await expectStatus(431, COLLECTION, "GET", { headers: { "X-Padding": "x".repeat(20 * 1024) }, protocol: true });
  assert.equal(big.body.error.code, "headers_too_large");
  const res = asResponse(await rawRequest(Number(new URL(server.apiBase).port),
    "GET /v1/live-streams HTTP/9.9\r\nHost: x\r\n\r\n"));
  assert.equal(res.status, 400);
  assert.equal((await contract.check(res, COLLECTION, "GET", { protocol: true })).error.code, "bad_request");
});

test("webhooks: every call, its errors and the per-key limit", async () => {
  const url = "http://127.0.0.1:9/hook";
  const hook = (await expectStatus(201, HOOKS, "POST",
    { body: good(HOOKS, "POST", { url, events: ["live_stream.live"], description: "d" }) })).body;
  assert.equal(hook.secret.length, "whsec_".length + 40);
  await expectStatus(200, HOOKS, "GET");
  await expectStatus(200, HOOK, "GET", { id: hook.webhookId });
  await expectStatus(202, HOOK_TEST, "POST", { id: hook.webhookId });
  await expectStatus(200, HOOK_DELIVERIES, "GET", { id: hook.webhookId, query: "?limit=5" });
  await expectStatus(400, HOOK_DELIVERIES, "GET", { id: hook.webhookId, query: "?limit=101" });
  for (const body of ["{", bad(HOOKS, "POST", { url, nope: 1 }), bad(HOOKS, "POST", { url: "ftp://x/" }),
    bad(HOOKS, "POST", { url, events: ["live_stream.nope"] })]) {
    assert.equal((await expectStatus(400, HOOKS, "POST", { body })).body.error.code, "invalid_request");
  }
  await expectStatus(413, HOOKS, "POST", { body: JSON.stringify({ url, description: "x".repeat(70 * 1024) }) });
  await expectStatus(415, HOOKS, "POST", { body: JSON.stringify({ url }), headers: { "Content-Type": "text/plain" } });
  const id = "wh_00000000000000000000000000";
  for (const [template, method, opts] of [[HOOKS, "POST", { body: { url } }], [HOOKS, "GET", {}],
    [HOOK, "GET", { id }], [HOOK, "DELETE", { id }], [HOOK_TEST, "POST", { id }], [HOOK_DELIVERIES, "GET", { id }]]) {
    await expectStatus(401, template, method, { ...opts, key: null });
  }
  const other = server.keys("create", "--name", "openapi-hooks").trim();
  for (const missing of [id, "wh_nope", hook.webhookId]) {
    for (const [template, method] of [[HOOK, "GET"], [HOOK, "DELETE"], [HOOK_TEST, "POST"], [HOOK_DELIVERIES, "GET"]]) {
      await expectStatus(404, template, method, { id: missing, key: other });
    }
  }
  const theirs = [];
  for (let i = 0; i < 20; i++) theirs.push((await expectStatus(201, HOOKS, "POST", { body: { url }, key: other })).body);
  assert.equal((await expectStatus(429, HOOKS, "POST", { body: { url }, key: other })).body.error.code, "too_many_requests");
  for (const w of theirs) await expectStatus(204, HOOK, "DELETE", { id: w.webhookId, key: other });
  await expectStatus(204, HOOK, "DELETE", { id: hook.webhookId });
});

test("server-sent events of a stream: 200 with StreamEvent data, 401, 404", async () => {
  const s = (await expectStatus(201, COLLECTION, "POST", { body: { name: "Events" } })).body;
  const abort = new AbortController();
  const res = await server.api(EVENTS.replace("{streamId}", s.streamId), { signal: abort.signal });
  assert.equal(res.status, 200);
  await expectStatus(200, ITEM, "PATCH", { id: s.streamId, body: { name: "Renamed" } });
  // Read until one event came, then check what was read as the whole answer.
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    text += decoder.decode(chunk, { stream: true });
    if (/\ndata: .*\n\n/.test(text)) break;
  }
  abort.abort();
  await contract.check(new Response(text, { status: res.status, headers: res.headers }), EVENTS, "GET");
  const data = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
  assert.equal(data.length, 1);
  contract.assertSchema("#/components/schemas/StreamEvent", data[0], "an SSE event");
  assert.equal(data[0].type, "live_stream.updated");
  await expectStatus(401, EVENTS, "GET", { id: s.streamId, key: null });
  const other = server.keys("create", "--name", "openapi-events").trim();
  await expectStatus(404, EVENTS, "GET", { id: s.streamId, key: other });
  await expectStatus(404, EVENTS, "GET", { id: "ls_nope" });
  await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
});

test("recordings: list, get, delete; 400, 401, 404, 409 while recording", async () => {
  const s = (await expectStatus(201, COLLECTION, "POST",
    { body: { name: "Recorded", quality: "passthrough", reconnectWindowSeconds: 0 } })).body;
  assert.deepEqual(s.recording, { enabled: true, retentionDays: 7 });
  // A publish without media: its recording is open until the session ends.
  const rtmpPort = Number(new URL(server.rtmpUrl.replace(/^rtmp:/, "http:")).port);
  const publisher = await RawPublisher.publish(rtmpPort, s.ingest.streamKey);
  let open;
  try {
    await waitState(server, s.streamId, ["connecting", "live"]);
    open = (await expectStatus(200, RECORDINGS, "GET", { id: s.streamId })).body.data[0];
    assert.equal(open.state, "recording");
    assert.equal(open.playback.hlsUrl, null);
    await expectStatus(200, RECORDING, "GET", { id: open.recordingId });
    await expectStatus(409, RECORDING, "DELETE", { id: open.recordingId });
  } finally {
    publisher.close();
  }
  // No media came: that recording goes away by itself.
  await waitFor(async () => (await call(RECORDING, "GET", { id: open.recordingId })).status === 404,
    { timeoutMs: 15000, what: "the empty recording to be removed" });
  const clip = path.join(dataDir, "recorded.flv");
  await makeClip(clip, { seconds: 2 });
  const published = await ffmpegPublish(s.ingest.rtmpFullUrl, clip).wait(30000);
  assert.equal(published.code, 0, published.stderr);
  const ready = await waitFor(async () => {
    const page = (await expectStatus(200, RECORDINGS, "GET", { id: s.streamId, query: "?limit=1" })).body;
    return page.data[0]?.state === "ready" ? page.data[0] : null;
  }, { timeoutMs: 30000, intervalMs: 200, what: "a ready recording" });
  assert.ok(ready.playback.hlsUrl.endsWith(`/vod/${s.edgeId}/${ready.recordingId}/master.m3u8`));
  await expectStatus(400, RECORDINGS, "GET", { id: s.streamId, query: "?limit=0" });
  await expectStatus(400, RECORDINGS, "GET", { id: s.streamId, query: "?cursor=x" });
  await expectStatus(401, RECORDINGS, "GET", { id: s.streamId, key: null });
  await expectStatus(401, RECORDING, "GET", { id: ready.recordingId, key: null });
  await expectStatus(401, RECORDING, "DELETE", { id: ready.recordingId, key: null });
  const other = server.keys("create", "--name", "openapi-recordings").trim();
  await expectStatus(404, RECORDINGS, "GET", { id: s.streamId, key: other });
  await expectStatus(404, RECORDINGS, "GET", { id: "ls_nope" });
  for (const id of [ready.recordingId, "rec_nope"]) {
    await expectStatus(404, RECORDING, "GET", { id, key: other });
    await expectStatus(404, RECORDING, "DELETE", { id, key: other });
  }
  await expectStatus(204, RECORDING, "DELETE", { id: ready.recordingId });
  await expectStatus(404, RECORDING, "GET", { id: ready.recordingId });
  await expectStatus(204, ITEM, "DELETE", { id: s.streamId });
});

test("every documented operation and status was driven (but 500 and 503)", () => {
  const missing = contract.documented()
    .filter((s) => !/ (500|503)$/.test(s))
    .filter((s) => !contract.seen.has(s));
  assert.deepEqual(missing, []);
});
