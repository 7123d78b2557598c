// Starts the real antcdn binary on free ports with a temporary data dir and
// reads the URLs and the first API key from what it prints.
import { spawn, execFileSync } from "node:child_process";
import net from "node:net";
import { mkdtempSync, rmSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const BIN = process.env.ANTCDN_BIN ?? path.resolve("build/antcdn");
export const SOURCE_DIR = process.env.ANTCDN_SOURCE_DIR ?? process.cwd();

// Flags that lift the per-address connection caps, for benchmarks whose many
// clients all connect from 127.0.0.1.
export const NO_PER_IP_CAPS = ["--rtmp-max-connections-per-ip", "0", "--api-max-connections-per-ip", "0",
  "--edge-max-connections-per-ip", "0"];

export function makeDataDir() {
  return mkdtempSync(path.join(tmpdir(), "antcdn-it-"));
}

export class Server {
  // `env`: extra environment variables (e.g. S3 credentials). `prefix`: a
  // command that execs the binary, e.g. ["prlimit", "--nofile=256", "--"]
  // (the process id stays the server's).
  constructor(dataDir, extraArgs = [], { env = {}, prefix = [] } = {}) {
    this.dataDir = dataDir;
    this.extraArgs = extraArgs;
    this.env = env;
    this.prefix = prefix;
    this.stdout = "";
    this.stderr = "";
  }

  async start() {
    const args = [
      "serve", "--data-dir", this.dataDir,
      "--api-listen", "127.0.0.1:0", "--edge-listen", "127.0.0.1:0",
      "--rtmp-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", ...this.extraArgs,
    ];
    const [cmd, ...cmdArgs] = [...this.prefix, BIN, ...args];
    this.proc = spawn(cmd, cmdArgs, {
      stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env },
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code, signal) => resolve({ code, signal })));
    this.proc.stderr.on("data", (d) => { this.stderr += d; });
    await new Promise((resolve, reject) => {
      this.proc.stdout.on("data", (d) => {
        this.stdout += d;
        if (/^Try: /m.test(this.stdout)) resolve();
      });
      this.exited.then(({ code }) => reject(new Error(`antcdn exited (${code}): ${this.stderr}`)));
    });
    const grab = (label) => this.stdout.match(new RegExp(`^\\s+${label}:\\s+(\\S+)`, "m"))?.[1];
    this.apiBase = grab("API").replace(/\/v1\/live-streams$/, "");
    this.rtmpUrl = grab("RTMP");
    this.edgeBase = grab("Playback").replace(/\/live\/\{edgeId\}\/master\.m3u8$/, "");
    this.metricsUrl = grab("Metrics");
    const key = grab("API key");
    this.apiKey = key?.startsWith("ak_") ? key : undefined;
    return this;
  }

  // SIGTERM, and the clean exit it must produce: a crash or a failed check
  // (e.g. a blocking call on an event loop, which aborts) fails the test.
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill("SIGTERM");
    const exit = await this.exited;
    if (exit.code !== 0) {
      const tail = this.stderr.split("\n").slice(-30).join("\n");
      throw new Error(`antcdn did not exit cleanly on SIGTERM (${exit.code ?? exit.signal}):\n${tail}`);
    }
    return exit;
  }

  api(pathAndQuery, { method = "GET", key = this.apiKey, body, headers = {}, signal } = {}) {
    const h = { ...headers };
    if (key !== null) h["X-Api-Key"] = key;
    if (body !== undefined && !("Content-Type" in h)) h["Content-Type"] = "application/json";
    return fetch(this.apiBase + pathAndQuery, {
      method, headers: h, signal,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  // Runs `antcdn keys ...` against this server's data dir.
  keys(...args) {
    return execFileSync(BIN, ["keys", ...args, "--data-dir", this.dataDir], { encoding: "utf8" });
  }
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// The integration guide sits in ../shared/seed beside a checkout (and in CI).
export function guideText() {
  const p = path.resolve(SOURCE_DIR, "../shared/seed/live-streaming-integration-guide.txt");
  return existsSync(p) ? readFileSync(p, "utf8") : null;
}

// The usual per-file set-up: a Server (with `args`) on `dataDir` (a fresh one
// unless given). Resolves {server, dataDir}; a fresh dir is removed again if
// the server fails to start.
export async function startServer({ dataDir, args = [] } = {}) {
  const dir = dataDir ?? makeDataDir();
  try {
    return { server: await new Server(dir, args).start(), dataDir: dir };
  } catch (e) {
    if (!dataDir) cleanup(dir);
    throw e;
  }
}

// The matching tear-down: stops `server` (if it started) and removes `dataDir`.
export async function stopServer(server, dataDir) {
  await server?.stop();
  if (dataDir) cleanup(dataDir);
}

// Writes `payload` as is to 127.0.0.1:`port` and resolves with all the server
// sent back (as text) once the connection closes; `waitForClose: false` also
// closes our side at once.
export function rawRequest(port, payload, { waitForClose = true } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let data = "";
    sock.on("data", (d) => { data += d; });
    sock.on("error", () => resolve(data));
    sock.on("close", () => resolve(data));
    sock.write(payload);
    if (!waitForClose) sock.end();
  });
}
