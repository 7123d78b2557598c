// Live-stream API helpers shared by the black-box tests: create a stream, read
// it back, and poll until it reaches a state. `srv` is a started Server.
import assert from "node:assert/strict";
import { waitFor } from "./media.mjs";

// Creates a passthrough stream (unless `body` says otherwise); asserts 201.
export async function createStream(srv, body = {}) {
  const res = await srv.api("/v1/live-streams", {
    method: "POST", body: { name: "Integration test", quality: "passthrough", ...body },
  });
  assert.equal(res.status, 201);
  return res.json();
}

// GET /v1/live-streams/{id}; asserts 200.
export async function getStream(srv, id) {
  const res = await srv.api(`/v1/live-streams/${id}`);
  assert.equal(res.status, 200);
  return res.json();
}

// Polls the API (every 50 ms) until the stream is in one of `states`; returns
// the resource. `seen` collects the distinct states observed, in order.
export async function waitState(srv, id, states, { timeoutMs = 10000, seen = [] } = {}) {
  const want = [].concat(states);
  let last;
  try {
    return await waitFor(async () => {
      last = await getStream(srv, id);
      if (seen.at(-1) !== last.state) seen.push(last.state);
      return want.includes(last.state) ? last : null;
    }, { timeoutMs, what: `stream ${id} to be ${want.join("|")}` });
  } catch (e) {
    throw new Error(`${e.message}; last state ${last?.state}; states seen ${seen.join(" -> ")}`);
  }
}
