// Helpers for connection-level fault tests: many raw TCP connections (from
// chosen loopback source addresses), and what /proc says about the server.
import net from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

// A connected socket and what happened to it: bytes received, whether it closed.
// `closedPromise` resolves when it closes, whoever closed it.
export function connect(port, { host = "127.0.0.1", localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const c = { received: Buffer.alloc(0), closed: false, closedByUs: false };
    c.closedPromise = new Promise((done) => { c.markClosed = done; });
    c.sock = net.connect({ port, host, localAddress });
    c.sock.once("connect", () => resolve(c));
    c.sock.on("data", (d) => { c.received = Buffer.concat([c.received, d]); });
    c.sock.on("error", (e) => {
      if (!c.sock.connecting) return;  // errors after connect end in "close"
      reject(e);
    });
    c.sock.on("close", () => { c.closed = true; c.markClosed(); });
    c.destroy = () => { c.closedByUs = true; c.sock.destroy(); };
  });
}

// `count` connections, `sourceOf(i)` naming the local address of the i-th,
// opened in batches so that the listen backlog never overflows.
export async function connectMany(port, count, sourceOf = () => "127.0.0.1", { batch = 200 } = {}) {
  const all = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    all.push(...await Promise.all(Array.from({ length: n },
      (_, k) => connect(port, { localAddress: sourceOf(i + k) }))));
  }
  return all;
}

// Writes `buf` and resolves once the socket took it (or closed meanwhile):
// false when the connection is gone.
export function writeAll(c, buf) {
  if (c.closed || c.sock.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ok = c.sock.write(buf, (err) => { if (err) resolve(false); });
    if (ok) { resolve(true); return; }
    const done = (v) => { c.sock.off("drain", onDrain); c.sock.off("close", onClose); resolve(v); };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    c.sock.on("drain", onDrain);
    c.sock.on("close", onClose);
  });
}

// The port of a URL such as rtmp://127.0.0.1:1935/live or http://127.0.0.1:8090.
export function portOf(url) {
  return Number(new URL(url.replace(/^rtmp:/, "http:")).port);
}

// ------------------------------------------------------------------ /proc

// Whether a process still holds the IPv4 loopback socket localPort <-> remotePort
// (after close() the kernel may keep sending what was queued, but the socket's
// inode reads 0: nobody owns it any more).
export function socketHeld(localPort, remotePort) {
  const hex = (p) => p.toString(16).toUpperCase().padStart(4, "0");
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    if (f[1].endsWith(`:${hex(localPort)}`) && f[2].endsWith(`:${hex(remotePort)}`)) return f[9] !== "0";
  }
  return false;
}

export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function rssKb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m);
  return Number(m[1]);
}

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

// utime + stime of the whole process (all threads), in clock ticks.
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);  // fields 14 and 15 of proc(5)
}

// The process's CPU use over the next `ms` milliseconds, in percent of one core.
export async function cpuPercent(pid, ms = 3000) {
  const t0 = process.hrtime.bigint();
  const c0 = cpuTicks(pid);
  await new Promise((r) => setTimeout(r, ms));
  const c1 = cpuTicks(pid);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return ((c1 - c0) / CLK_TCK / seconds) * 100;
}

// The hard RLIMIT_NOFILE this shell would give a child (the server raises to it).
export function hardFileLimit() {
  const text = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  return text === "unlimited" ? Infinity : Number(text) || 0;
}
