// The integration guide's own client code, run against us with only the base
// URL changed. The snippets are read from the guide at test time (it sits in
// ../shared/seed), not copied into this repository.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, stopServer, guideText } from "./lib/server.mjs";

const GUIDE_BASE = "https://api.antcdn.net";
const guide = guideText();
let server;
let dataDir;

before(async () => ({ server, dataDir } = await startServer()));
after(() => stopServer(server, dataDir));

// The guide's curl commands with their line continuations folded and our base URL.
function guideCurl(pattern) {
  const found = guide.match(pattern);
  assert.ok(found, `guide snippet ${pattern} not found`);
  return found[0].replace(/\\\s+/g, " ").replaceAll(GUIDE_BASE, server.apiBase);
}

function runShell(command, env) {
  return execFileSync("bash", ["-c", command + " --silent --show-error --write-out '\\n%{http_code}'"], {
    encoding: "utf8", env: { ...process.env, ...env },
  });
}

function splitStatus(output) {
  const lines = output.trimEnd().split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

test("the guide's curl calls create, rotate and delete", { skip: !guide && "guide not present" }, () => {
  const env = { ANTCDN_API_KEY: server.apiKey };
  const create = splitStatus(runShell(guideCurl(/curl -X POST "https:\/\/api\.antcdn\.net\/v1\/live-streams" .*?\}'/s), env));
  assert.equal(create.status, 201);
  const stream = JSON.parse(create.body);
  assert.equal(stream.name, "Friday Night Stream");
  assert.equal(stream.quality, "standard");
  assert.match(stream.ingest.streamKey, /^sk_live_/);

  const rotateCmd = guideCurl(/curl -X POST "https:\/\/api\.antcdn\.net\/v1\/live-streams\/\{streamId\}\/rotate-key" .*?\$ANTCDN_API_KEY"/s)
    .replace("{streamId}", stream.streamId);
  const rotate = splitStatus(runShell(rotateCmd, env));
  assert.equal(rotate.status, 200);
  assert.notEqual(JSON.parse(rotate.body).ingest.streamKey, stream.ingest.streamKey);

  const deleteCmd = guideCurl(/curl -X DELETE "https:\/\/api\.antcdn\.net\/v1\/live-streams\/\{streamId\}" .*?\$ANTCDN_API_KEY"/s)
    .replace("{streamId}", stream.streamId);
  const del = splitStatus(runShell(deleteCmd, env));
  assert.equal(del.status, 204);
  assert.equal(del.body, "");
});

test("the guide's pollStreamState runs unchanged", { skip: !guide && "guide not present" }, async () => {
  const start = guide.indexOf("async function pollStreamState");
  const endMarker = "// returns cleanup fn";
  const end = guide.indexOf(endMarker, start);
  assert.ok(start >= 0 && end > start, "pollStreamState not found in the guide");
  // The guide's text lost a line break before the function's closing brace,
  // which would otherwise sit inside the trailing comment.
  const source = (guide.slice(start, end + endMarker.length) + "\n}").replaceAll(GUIDE_BASE, server.apiBase);
  const pollStreamState = new Function(`${source}; return pollStreamState;`)();

  const res = await server.api("/v1/live-streams", { method: "POST", body: { name: "Polled" } });
  const stream = await res.json();
  const states = [];
  let stop;
  const first = new Promise((resolve) => {
    pollStreamState(stream.streamId, server.apiKey, (state) => { states.push(state); resolve(); })
      .then((cleanup) => { stop = cleanup; });
  });
  await first;
  stop();
  assert.deepEqual(states, ["idle"]);
});
