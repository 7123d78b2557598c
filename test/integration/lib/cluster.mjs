// Real PostgreSQL and Swift (s3api) servers for the multi-node tests, started
// in a temporary directory on free loopback ports by the same scripts that the
// unit suites' ctest fixtures use.
import { chmodSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run } from "./media.mjs";
import { SOURCE_DIR, cleanup } from "./server.mjs";

const tool = (name) => path.join(SOURCE_DIR, "tools", name);

async function script(name, ...args) {
  const r = await run(tool(name), args, { timeoutMs: 120000 });
  if (r.code !== 0) throw new Error(`${name} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export const S3_ENV = {
  ANTCDN_S3_ACCESS_KEY_ID: "test:tester",
  ANTCDN_S3_SECRET_ACCESS_KEY: "testing",
};

// Starts both servers; resolves {postgresUrl, s3Endpoint, storageUrl(bucket), outage, stop}.
export async function startBackends() {
  const dir = mkdtempSync(path.join(tmpdir(), "antcdn-cluster-"));
  chmodSync(dir, 0o755);  // PostgreSQL runs as its own user and must reach its folder
  const pgDir = path.join(dir, "postgres");
  const swiftDir = path.join(dir, "swift");
  const backends = { dir };
  try {
    backends.postgresUrl = await script("pg_loopback.sh", "start", pgDir);
    backends.s3Endpoint = await script("swift_loopback.sh", "start", swiftDir);
  } catch (e) {
    await stopBackends(backends);
    throw e;
  }
  backends.storageUrl = (bucket) =>
    `s3://${bucket}/media/?endpoint=${backends.s3Endpoint}&region=us-east-1`;
  backends.freezeDatabase = () => script("pg_loopback.sh", "freeze", pgDir);
  backends.thawDatabase = () => script("pg_loopback.sh", "thaw", pgDir);
  backends.killObjectStore = () => script("swift_loopback.sh", "kill-proxy", swiftDir);
  backends.restartObjectStore = () => script("swift_loopback.sh", "restart-proxy", swiftDir);
  // Objects Swift holds right now: one .data file each on its only device (a
  // deleted object leaves a .ts tombstone instead).
  backends.storedObjects = () =>
    readdirSync(path.join(swiftDir, "node"), { recursive: true })
      .filter((f) => f.endsWith(".data")).length;
  return backends;
}

export async function stopBackends(backends) {
  const { dir } = backends;
  await run(tool("swift_loopback.sh"), ["stop", path.join(dir, "swift")]);
  await run(tool("pg_loopback.sh"), ["stop", path.join(dir, "postgres")]);
  cleanup(dir);
}
