// A real HTTP receiver for webhook tests: records every POST (headers, raw
// body, parsed envelope) and answers with what `answer(delivery)` returns
// (200 unless told otherwise). Verifies signatures the way docs/api.md tells
// receivers to.
import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { waitFor } from "./media.mjs";

export function verifySignature(header, secret, rawBody, { toleranceSeconds = 300 } = {}) {
  const parts = Object.fromEntries(header.split(",").map((p) => {
    const i = p.indexOf("=");
    return [p.slice(0, i), p.slice(i + 1)];
  }));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${parts.t}.${rawBody}`).digest("hex");
  const given = Buffer.from(parts.v1 ?? "", "utf8");
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected, "utf8"));
}

export class WebhookReceiver {
  constructor() {
    this.deliveries = [];
    this.answer = () => 200;
  }

  async start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const d = { path: req.url, headers: req.headers, raw, event: JSON.parse(raw) };
        this.deliveries.push(d);
        res.writeHead(this.answer(d)).end();
      });
    });
    await new Promise((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  stop() {
    return new Promise((r) => this.server.close(r));
  }

  // Deliveries so far that `pred` accepts.
  matching(pred) {
    return this.deliveries.filter(pred);
  }

  // Waits until `pred` accepts at least `count` deliveries; returns them.
  waitFor(pred, count = 1, { timeoutMs = 15000, what = "webhook deliveries" } = {}) {
    return waitFor(() => {
      const found = this.matching(pred);
      return found.length >= count ? found : null;
    }, { timeoutMs, what });
  }
}
