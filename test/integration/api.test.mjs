// Black-box tests of the control-plane API: the real binary over real HTTP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Server, rawRequest, startServer, stopServer } from "./lib/server.mjs";

let server;
let dataDir;

const ARGS = ["--http-request-timeout-ms", "800"];

before(async () => ({ server, dataDir } = await startServer({ args: ARGS })));
after(() => stopServer(server, dataDir));

async function createStream(body = { name: "Friday Night Stream", quality: "standard" }, key) {
  const res = await server.api("/v1/live-streams", { method: "POST", body, key });
  assert.equal(res.status, 201);
  return res.json();
}

test("first start prints a usable API key and the URLs", async () => {
  assert.match(server.apiKey, /^ak_[0-9a-z]{40}$/);
  assert.match(server.rtmpUrl, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
  const res = await server.api("/v1/live-streams");
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).data, []);
});

test("create, get, list, patch, rotate and delete over HTTP", async () => {
  const s = await createStream();
  assert.match(s.streamId, /^ls_[0-9a-hjkmnp-tv-z]{26}$/);
  assert.match(s.edgeId, /^lse_[0-9a-hjkmnp-tv-z]{26}$/);
  assert.equal(s.state, "idle");
  assert.match(s.ingest.streamKey, /^sk_live_/);
  assert.equal(s.ingest.rtmpFullUrl, `${server.rtmpUrl}/${s.ingest.streamKey}`);
  assert.equal(s.playback.hlsUrl, `${server.edgeBase}/live/${s.edgeId}/master.m3u8`);
  assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const got = await (await server.api(`/v1/live-streams/${s.streamId}`)).json();
  assert.equal(got.ingest.streamKey, undefined);
  assert.equal(got.ingest.rtmpFullUrl, undefined);
  assert.equal(got.ingest.rtmpUrl, server.rtmpUrl);

  const patched = await server.api(`/v1/live-streams/${s.streamId}`, {
    method: "PATCH", body: { name: "Renamed", reconnectWindowSeconds: 120 },
  });
  assert.equal(patched.status, 200);
  assert.equal((await patched.json()).reconnectWindowSeconds, 120);

  const rotated = await server.api(`/v1/live-streams/${s.streamId}/rotate-key`, { method: "POST" });
  assert.equal(rotated.status, 200);
  const r = await rotated.json();
  assert.notEqual(r.ingest.streamKey, s.ingest.streamKey);

  const del = await server.api(`/v1/live-streams/${s.streamId}`, { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal((await server.api(`/v1/live-streams/${s.streamId}`)).status, 404);
});

test("each API key sees only its own streams; a revoked key fails at once", async () => {
  const otherKey = server.keys("create", "--name", "other").trim();
  assert.match(otherKey, /^ak_/);
  const mine = await createStream();
  const theirs = await createStream({ name: "Theirs" }, otherKey);
  assert.equal((await server.api(`/v1/live-streams/${mine.streamId}`, { key: otherKey })).status, 404);
  assert.equal((await server.api(`/v1/live-streams/${theirs.streamId}`)).status, 404);
  const list = await (await server.api("/v1/live-streams", { key: otherKey })).json();
  assert.deepEqual(list.data.map((s) => s.streamId), [theirs.streamId]);

  // Another key's stream and a well-formed id that never existed get the same
  // answer for every call, so a key cannot probe which ids exist.
  const ghost = mine.streamId.slice(0, -1) + (mine.streamId.endsWith("0") ? "1" : "0");
  for (const [method, suffix, body] of [["GET", ""], ["PATCH", "", { name: "x" }],
    ["POST", "/rotate-key"], ["DELETE", ""]]) {
    const answers = [];
    for (const id of [mine.streamId, ghost]) {
      const res = await server.api(`/v1/live-streams/${id}${suffix}`, { method, body, key: otherKey });
      answers.push({ status: res.status, body: await res.json() });
    }
    assert.equal(answers[0].status, 404, `${method}${suffix}`);
    assert.deepEqual(answers[1], answers[0], `${method}${suffix}`);
  }

  const listing = server.keys("list");
  assert.match(listing, /other/);
  assert.doesNotMatch(listing, /ak_[0-9a-z]{40}/);
  const id = listing.split("\n").find((l) => l.includes("other")).split(/\s+/)[0];
  server.keys("revoke", id);
  const res = await server.api("/v1/live-streams", { key: otherKey });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, "unauthorized");
});

test("bad requests get JSON errors", async () => {
  const cases = [
    [{ method: "POST", body: "{nope" }, 400],
    [{ method: "POST", body: { name: 42 } }, 400],
    [{ method: "POST", body: { name: "x".repeat(500) } }, 400],
    [{ method: "POST", body: { name: "x", quality: "4k" } }, 400],
    [{ method: "POST", body: { name: "x" }, headers: { "Content-Type": "text/plain" } }, 415],
    [{ method: "POST", body: JSON.stringify({ name: "x".repeat(200 * 1024) }) }, 413],
    [{ method: "PUT" }, 405],
    [{ key: null }, 401],
    [{ key: "garbage\u00e9" }, 401],
  ];
  for (const [opts, status] of cases) {
    const res = await server.api("/v1/live-streams", opts);
    assert.equal(res.status, status, JSON.stringify(opts).slice(0, 80));
    const body = await res.json();
    assert.equal(typeof body.error.code, "string");
    assert.equal(typeof body.error.message, "string");
  }
  assert.equal((await server.api("/v1/unknown")).status, 404);
  assert.equal((await server.api("/v1/live-streams/ls_nope")).status, 404);
});

test("slow and half-open clients are timed out; thousands of bad requests change nothing", async () => {
  const port = Number(new URL(server.apiBase).port);
  // A client that sends half a header and stalls is dropped when its time is up.
  const started = Date.now();
  const slow = await rawRequest(port, "GET /v1/live-streams HTTP/1.1\r\nHost: x\r\n");
  assert.equal(slow, "");
  assert.ok(Date.now() - started >= 700, "dropped only after the request timeout");
  // A silent connection is closed without an answer.
  assert.equal(await rawRequest(port, ""), "");

  const garbage = ["\x00\x01\x02\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "NOT A REQUEST\r\n\r\n",
    "POST /v1/live-streams HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    `GET /${"a".repeat(20000)} HTTP/1.1\r\n\r\n`];
  const batch = [];
  for (let i = 0; i < 2000; i++) {
    batch.push(rawRequest(port, garbage[i % garbage.length], { waitForClose: false }));
    if (batch.length === 100) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  const answers = await Promise.all(garbage.map((g) => rawRequest(port, g)));
  for (const a of answers) assert.match(a, /^HTTP\/1\.1 4\d\d/);
  const res = await server.api("/v1/live-streams?limit=1");
  assert.equal(res.status, 200);
});

test("no secret reaches the database file or the log", async () => {
  const s = await createStream({ name: "Secret check" });
  const rotated = await (await server.api(`/v1/live-streams/${s.streamId}/rotate-key`, { method: "POST" })).json();
  const secrets = [server.apiKey, s.ingest.streamKey, rotated.ingest.streamKey];
  for (const f of readdirSync(dataDir).filter((f) => f.startsWith("antcdn.db"))) {
    const bytes = readFileSync(path.join(dataDir, f));
    for (const secret of secrets) {
      assert.equal(bytes.indexOf(secret), -1, `${secret.slice(0, 8)}... found in ${f}`);
      // Also the random part alone, in case a prefix were stripped before storing.
      assert.equal(bytes.indexOf(secret.split("_").pop()), -1);
    }
  }
  for (const secret of secrets) assert.equal(server.stderr.includes(secret), false);
});

test("streams survive a restart", async () => {
  const s = await createStream({ name: "Durable", quality: "passthrough" });
  await server.stop();
  server = await new Server(dataDir, ARGS).start();
  assert.equal(server.apiKey, undefined, "the key is printed on the first start only");
  server.apiKey = server.keys("create", "--name", "again").trim();
  // The new key is a different tenant: the old key's stream is invisible to it.
  assert.equal((await server.api(`/v1/live-streams/${s.streamId}`)).status, 404);
  const rows = server.keys("list");
  assert.match(rows, /default/);
});

test("the edge listener answers and knows no streams yet", async () => {
  const res = await fetch(`${server.edgeBase}/live/lse_00000000000000000000000000/master.m3u8`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});
