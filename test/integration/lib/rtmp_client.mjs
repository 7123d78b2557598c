// A minimal RTMP publisher for fault tests: plain handshake, connect,
// createStream, publish with a key, then whatever FLV tag bodies the test
// chooses (malformed, tiny, out of order), as fast as the socket takes them.
// Also reads FLV files (e.g. from makeClip) so tests can replay real codec
// configurations and frames with rewritten timestamps.
import net from "node:net";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { waitFor } from "./media.mjs";

const CHUNK_SIZE = 4096;

// ------------------------------------------------------------------ AMF0

function amf0(value) {
  if (value === null) return Buffer.from([0x05]);
  if (typeof value === "number") {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === "string") {
    const s = Buffer.from(value, "utf8");
    const h = Buffer.alloc(3);
    h[0] = 0x02;
    h.writeUInt16BE(s.length, 1);
    return Buffer.concat([h, s]);
  }
  // A plain object.
  const parts = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(value)) {
    const key = Buffer.from(k, "utf8");
    const len = Buffer.alloc(2);
    len.writeUInt16BE(key.length);
    parts.push(len, key, amf0(v));
  }
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------ chunks

// One message as type-0 chunk + type-3 continuations.
function chunked(csid, type, streamId, timestamp, body) {
  const header = Buffer.alloc(12);
  header[0] = csid & 0x3f;
  header.writeUIntBE(Math.min(timestamp, 0xffffff), 1, 3);
  header.writeUIntBE(body.length, 4, 3);
  header[7] = type;
  header.writeUInt32LE(streamId, 8);
  const parts = [header];
  const ext = timestamp >= 0xffffff ? Buffer.alloc(4) : null;
  if (ext) ext.writeUInt32BE(timestamp >>> 0);
  if (ext) parts.push(ext);
  for (let off = 0; off < body.length || off === 0; off += CHUNK_SIZE) {
    if (off > 0) {
      parts.push(Buffer.from([0xc0 | (csid & 0x3f)]));
      if (ext) parts.push(ext);
    }
    parts.push(body.subarray(off, off + CHUNK_SIZE));
    if (body.length === 0) break;
  }
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------ client

export class RawPublisher {
  // Connects and publishes `streamKey` to rtmp://127.0.0.1:port/app.
  // Resolves once the server answered the publish: `status` is the code it
  // sent (NetStream.Publish.Start / .Failed / .BadName).
  static async publish(port, streamKey, { app = "live" } = {}) {
    const p = new RawPublisher(port);
    await p.#open();
    await p.#handshake();
    p.write(chunked(2, 1, 0, 0, Buffer.from([0, 0, (CHUNK_SIZE >> 8) & 0xff, CHUNK_SIZE & 0xff])));
    p.#command(["connect", 1, { app, type: "nonprivate", tcUrl: `rtmp://127.0.0.1:${port}/${app}` }]);
    await p.waitText("NetConnection.Connect.Success");
    p.#command(["createStream", 2, null]);
    await p.waitText("_result", { occurrence: 2 });
    p.#command(["publish", 3, null, streamKey, "live"], 1);
    p.status = await waitFor(() => ["NetStream.Publish.Start", "NetStream.Publish.Failed",
      "NetStream.Publish.BadName"].find((s) => p.text().includes(s)) ?? (p.closed ? "closed" : null),
    { timeoutMs: 10000, what: "the publish answer" });
    return p;
  }

  constructor(port) {
    this.port = port;
    this.received = Buffer.alloc(0);
    this.closed = false;
    this.writeErrors = 0;
  }

  #open() {
    return new Promise((resolve, reject) => {
      this.sock = net.connect(this.port, "127.0.0.1", resolve);
      this.sock.once("error", reject);
      this.sock.on("data", (d) => { this.received = Buffer.concat([this.received, d]); });
      this.sock.on("close", () => { this.closed = true; });
      this.sock.on("error", () => { this.closed = true; });
    });
  }

  async #handshake() {
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(1528)]);
    this.write(Buffer.concat([Buffer.from([3]), c1]));
    await waitFor(() => this.received.length >= 1 + 1536 * 2, { timeoutMs: 5000, what: "S0 S1 S2" });
    this.write(this.received.subarray(1, 1537));  // C2 echoes S1
    this.received = this.received.subarray(1 + 1536 * 2);
  }

  #command(values, streamId = 0) {
    this.write(chunked(3, 20, streamId, 0, Buffer.concat(values.map(amf0))));
  }

  // What the server sent, as latin1 text: status codes and descriptions are
  // short ASCII strings inside it (enough for tests; no chunk parsing).
  text() {
    return this.received.toString("latin1");
  }

  async waitText(s, { occurrence = 1, timeoutMs = 5000 } = {}) {
    await waitFor(() => this.text().split(s).length > occurrence, { timeoutMs, what: `"${s}" from the server` });
  }

  // Resolves when the socket has taken `buf` (backpressure), never rejects:
  // the server may close while a flood is still being written.
  write(buf) {
    if (this.closed) return Promise.resolve(false);
    const ok = this.sock.write(buf, (err) => { if (err) this.writeErrors++; });
    if (ok) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v) => {
        this.sock.off("drain", onDrain);
        this.sock.off("close", onClose);
        resolve(v);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.sock.on("drain", onDrain);
      this.sock.on("close", onClose);
    });
  }

  // One FLV tag body as an RTMP audio (8) or video (9) message on stream 1.
  send(tag) {
    return this.write(chunked(tag.type === 9 ? 6 : 4, tag.type, 1, tag.timestamp, tag.body));
  }

  close() {
    this.sock.destroy();
  }
}

// ------------------------------------------------------------------ FLV files

// Every tag of an FLV file: {type (8 audio, 9 video), timestamp, body, key, config}.
// `config`: an AVC or AAC sequence header; `key`: a video keyframe.
export function readFlvTags(file) {
  const b = readFileSync(file);
  let off = b.readUInt32BE(5) + 4;
  const tags = [];
  while (off + 11 <= b.length) {
    const type = b[off];
    const size = b.readUIntBE(off + 1, 3);
    const timestamp = (b.readUIntBE(off + 4, 3) | (b[off + 7] << 24)) >>> 0;
    const body = b.subarray(off + 11, off + 11 + size);
    off += 11 + size + 4;
    if (type !== 8 && type !== 9) continue;
    tags.push({
      type, timestamp, body,
      config: body.length > 1 && body[1] === 0,
      key: type === 9 && (body[0] >> 4) === 1,
    });
  }
  return tags;
}

// Tiny tag bodies for floods: an AVC frame carrying one 1-byte NAL unit.
export function tinyVideoFrame({ key = false } = {}) {
  return Buffer.from([key ? 0x17 : 0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, key ? 0x65 : 0x41]);
}
