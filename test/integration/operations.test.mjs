// What an operator touches: `antcdn version`, and --initial-key-file, which keeps
// the first API key out of stdout (a service manager's journal).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { BIN, Server, makeDataDir, cleanup } from "./lib/server.mjs";

test("antcdn version prints the version and the commit", () => {
  const out = execFileSync(BIN, ["version"], { encoding: "utf8" });
  assert.match(out, /^antcdn \d+\.\d+\.\d+ \(\S+.*\)\n$/);
});

test("--initial-key-file: the first key goes to a 0600 file, never to stdout, and works",
  { timeout: 30000 }, async () => {
    const dir = makeDataDir();
    const file = path.join(dir, "initial-api-key");
    try {
      const first = await new Server(dir, ["--initial-key-file", file]).start();
      const key = readFileSync(file, "utf8").trim();
      assert.match(key, /^ak_/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(!first.stdout.includes(key) && !first.stderr.includes(key), "key not printed");
      assert.match(first.stdout, /API key: +written to /);
      const res = await first.api("/v1/live-streams", { key });
      assert.equal(res.status, 200);
      await first.stop();

      // A restart creates no key and leaves the file as it was.
      const again = await new Server(dir, ["--initial-key-file", file]).start();
      assert.match(again.stdout, /API key: +already created/);
      assert.equal(readFileSync(file, "utf8").trim(), key);
      await again.stop();
    } finally {
      cleanup(dir);
    }
  });
