// A server-sent events client over fetch (EventSource cannot send X-Api-Key):
// parses the stream into {id, event, data} and lets a test wait for events.
import { waitFor } from "./media.mjs";

export class SseClient {
  static async open(url, headers = {}) {
    const c = new SseClient();
    c.controller = new AbortController();
    c.response = await fetch(url, { headers, signal: c.controller.signal });
    c.events = [];
    c.comments = 0;
    c.ended = false;
    if (c.response.ok) c.pump();
    return c;
  }

  async pump() {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of this.response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  parse(block) {
    const e = { data: [] };
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) { this.comments++; continue; }
      const i = line.indexOf(":");
      const [field, value] = [line.slice(0, i), line.slice(i + 1).replace(/^ /, "")];
      if (field === "data") e.data.push(value);
      else if (field === "id" || field === "event" || field === "retry") e[field] = value;
    }
    if (e.data.length === 0) return;
    this.events.push({ id: e.id, event: e.event, data: JSON.parse(e.data.join("\n")) });
  }

  // Waits until `pred` accepts `count` events; returns them.
  waitFor(pred, count = 1, { timeoutMs = 15000, what = "server-sent events" } = {}) {
    return waitFor(() => {
      const found = this.events.filter(pred);
      return found.length >= count ? found : null;
    }, { timeoutMs, what });
  }

  close() {
    this.controller.abort();
  }
}
