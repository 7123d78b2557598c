// RTMPS: RTMP over TLS on --rtmps-listen with a certificate the test makes.
// ffmpeg publishes over rtmps:// and the stream plays; a wrong stream key is
// refused; plain RTMP on the TLS port gets nowhere; SIGHUP loads a renewed
// certificate for new connections, and a broken pair keeps the old one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { startServer, stopServer, makeDataDir, Server, cleanup } from "./lib/server.mjs";
import { createStream, getStream, waitState } from "./lib/streams.mjs";
import { makeClip, ffmpegPublish, run, waitFor } from "./lib/media.mjs";
import { fetchText, parseMaster, decodes } from "./lib/hls.mjs";

let server;
let dataDir;
let cert;
let key;
let clip;
const PUBLISH_DEADLINE_MS = 30000;

// A self-signed certificate for `cn` (and its key) in `dir`.
async function makeCertificate(dir, cn, name) {
  const files = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const r = await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", `/CN=${cn}`, "-keyout", files.key, "-out", files.cert]);
  assert.equal(r.code, 0, r.stderr);
  return files;
}

// The subject of the certificate the server presents to a new connection.
async function presentedSubject(url) {
  const { host } = new URL(url);
  const r = await run("sh", ["-c", `openssl s_client -connect ${host} </dev/null 2>/dev/null | openssl x509 -noout -subject`]);
  return r.stdout.trim();
}

before(async () => {
  dataDir = makeDataDir();
  ({ cert, key } = await makeCertificate(dataDir, "first.test", "server"));
  ({ server } = await startServer({ dataDir, args: ["--rtmps-listen", "127.0.0.1:0",
    "--tls-cert", cert, "--tls-key", key] }));
  clip = path.join(dataDir, "clip.flv");
  await makeClip(clip, { seconds: 3, gop: 30 });
});
after(() => stopServer(server, dataDir));

test("the resource shows rtmpsUrl, and rtmpsFullUrl on creation and rotation", async () => {
  const s = await createStream(server);
  assert.match(s.ingest.rtmpsUrl, /^rtmps:\/\/127\.0\.0\.1:\d+\/live$/);
  assert.equal(s.ingest.rtmpsFullUrl, `${s.ingest.rtmpsUrl}/${s.ingest.streamKey}`);
  const read = await getStream(server, s.streamId);
  assert.equal(read.ingest.rtmpsUrl, s.ingest.rtmpsUrl);
  assert.equal(read.ingest.rtmpsFullUrl, undefined);
  const res = await server.api(`/v1/live-streams/${s.streamId}/rotate-key`, { method: "POST" });
  assert.equal(res.status, 200);
  const rotated = await res.json();
  assert.equal(rotated.ingest.rtmpsFullUrl, `${s.ingest.rtmpsUrl}/${rotated.ingest.streamKey}`);
});

test("ffmpeg publishes over rtmps://, the stream goes live and plays", { timeout: 90000 }, async () => {
  const s = await createStream(server, { quality: "passthrough" });
  const publisher = ffmpegPublish(s.ingest.rtmpsFullUrl, clip);
  await waitState(server, s.streamId, "live", { timeoutMs: PUBLISH_DEADLINE_MS });
  const r = await publisher.wait(PUBLISH_DEADLINE_MS);
  assert.equal(r.code, 0, r.stderr);
  await waitState(server, s.streamId, "ended", { timeoutMs: PUBLISH_DEADLINE_MS });
  const master = parseMaster(await fetchText(s.playback.hlsUrl));
  const base = s.playback.hlsUrl.replace(/master\.m3u8$/, "");
  const d = await decodes(base + master.variants[0].uri);
  assert.ok(d.ok, d.stderr);
});

test("a wrong stream key over rtmps:// is refused", { timeout: 60000 }, async () => {
  const s = await createStream(server);
  const r = await ffmpegPublish(`${s.ingest.rtmpsUrl}/sk_live_wrong`, clip).wait(PUBLISH_DEADLINE_MS);
  assert.equal(r.timedOut, false);
  assert.notEqual(r.code, 0, "ffmpeg must be refused");
  // Refused by the RTMP layer, past TLS: the server's reason reaches ffmpeg.
  assert.match(r.stderr, /unknown stream key/, r.stderr);
  assert.equal((await getStream(server, s.streamId)).state, "idle");
});

test("plain RTMP on the RTMPS port gets nowhere", { timeout: 60000 }, async () => {
  const s = await createStream(server);
  const plain = s.ingest.rtmpsFullUrl.replace(/^rtmps:/, "rtmp:");
  const r = await ffmpegPublish(plain, clip).wait(PUBLISH_DEADLINE_MS);
  assert.equal(r.timedOut, false);
  assert.notEqual(r.code, 0);
  assert.equal((await getStream(server, s.streamId)).state, "idle");
});

test("SIGHUP loads a renewed certificate; a broken pair keeps the old one", { timeout: 60000 }, async () => {
  const s = await createStream(server);
  assert.match(await presentedSubject(s.ingest.rtmpsUrl), /CN ?= ?first\.test/);
  const renewed = await makeCertificate(dataDir, "second.test", "renewed");
  writeFileSync(cert, readFileSync(renewed.cert));
  writeFileSync(key, readFileSync(renewed.key));
  server.proc.kill("SIGHUP");
  await waitFor(() => /certificate and key reloaded/.test(server.stderr + server.stdout),
    { what: "the reload" });
  assert.match(await presentedSubject(s.ingest.rtmpsUrl), /CN ?= ?second\.test/);

  writeFileSync(key, "not a key\n");
  server.proc.kill("SIGHUP");
  await waitFor(() => /reload failed, keeping the previous pair/.test(server.stderr + server.stdout),
    { what: "the failed reload" });
  assert.match(await presentedSubject(s.ingest.rtmpsUrl), /CN ?= ?second\.test/);
  assert.equal(server.proc.exitCode, null, "the server is still running");
});

test("a key that does not match the certificate stops the start with a reason", async () => {
  const dir = makeDataDir();
  try {
    const a = await makeCertificate(dir, "a.test", "a");
    const b = await makeCertificate(dir, "b.test", "b");
    const bad = new Server(dir, ["--rtmps-listen", "127.0.0.1:0", "--tls-cert", a.cert, "--tls-key", b.key]);
    await assert.rejects(bad.start(), /--tls-key \S+b\.key: not a PEM key that matches --tls-cert/);
  } finally {
    cleanup(dir);
  }
});
