// AntCDN Live broadcaster console.
//
// Plain browser JavaScript, no framework and no build step. The page talks only
// to its own origin's /v1 API, authenticated with an API key that lives in
// sessionStorage (never in a URL or a cookie). Stream keys arrive only in the
// answers to "create" and "rotate key"; the console shows them once and keeps
// them nowhere but in memory until the broadcaster dismisses them.
"use strict";

const KEY_STORAGE = "antcdn.console.apiKey";
const POLL_MS = 4000;
const PAGE_SIZE = 100;
const MASK = "••••••••••••••••";

// Encoder advice per quality preset, shown in the OBS settings table. The
// standard figures are the integration guide's; high and passthrough scale them.
const QUALITY = {
  standard: {
    label: "Standard",
    renditions: "720p, 480p and 360p, never larger than what you send",
    resolution: "1280×720",
    bitrate: "4000–6000 kbps",
  },
  high: {
    label: "High",
    renditions: "1080p, 720p and 480p, never larger than what you send",
    resolution: "1920×1080",
    bitrate: "6000–8000 kbps",
  },
  passthrough: {
    label: "Passthrough",
    renditions: "exactly what you send",
    resolution: "what viewers should get, e.g. 1280×720",
    bitrate: "what your viewers can download, e.g. 3000–6000 kbps",
  },
};

// latencyMode: LL-HLS parts for a ~2 s delay, or plain HLS.
const LATENCY = {
  low: { label: "Low latency" },
  standard: { label: "Standard latency" },
};

const STATE_LABEL = {
  idle: "Idle",
  connecting: "Starting…",
  live: "Live",
  ended: "Ended",
  error: "Error",
};

// Short phrases for the screen-reader announcement of a state change.
const STATE_PHRASE = {
  idle: "is idle",
  connecting: "is starting",
  live: "is live",
  ended: "has ended",
  error: "has an error",
};

const app = {
  apiKey: null,
  items: new Map(), // streamId -> { data, el }
  pages: 1, // how many list pages the broadcaster has asked to see
  nextCursor: null,
  pollTimer: null,
  polling: false, // a refresh is in flight
  // Bumped by every local change (create, rotate, delete, sign-out): a list
  // fetched before it is stale and must not undo the change on screen.
  generation: 0,
  credentials: null, // { streamId, key } while the one-time key is on screen
};

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ DOM helpers

// Builds an element; children may be strings or nodes. Text is always set as
// text, never parsed as HTML, so stream names cannot inject markup.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "className") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// Assigns text only when it changed, so polling does not churn the DOM.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function announce(message) {
  // Clearing first makes screen readers repeat an identical message.
  const el = $("announcer");
  el.textContent = "";
  requestAnimationFrame(() => { el.textContent = message; });
}

function showError(message) {
  setText($("alert"), message);
}

function clearError() {
  setText($("alert"), "");
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

// Today's times without the date: "on air since 8:02 PM" reads better.
function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date().toDateString() === d.toDateString();
  return today ? timeFormat.format(d) : dateFormat.format(d);
}

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { method = "GET", body } = {}) {
  const headers = { "X-Api-Key": app.apiKey, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "network", "The server could not be reached. Check the connection and try again.");
  }
  if (res.status === 204) return null;
  let payload = null;
  try {
    payload = await res.json();
  } catch {
    // An error page that is not JSON (a proxy in between, say): use the status.
  }
  if (!res.ok) {
    const err = payload?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`,
      err?.message ?? `The server answered with status ${res.status}.`);
  }
  return payload;
}

const streamPath = (id) => `/v1/live-streams/${encodeURIComponent(id)}`;

// A rejected key ends the session wherever it shows up (revoked meanwhile, say).
function handleAuthFailure(err) {
  if (err?.status !== 401) return false;
  signOut("Your API key was not accepted (it may have been revoked). Sign in again.");
  return true;
}

// ------------------------------------------------------------------ URLs

// The viewer page lives on the edge beside the playlist:
// {edgeBase}/live/{edgeId}/master.m3u8 -> {edgeBase}/watch/{edgeId}
function viewerUrl(hlsUrl) {
  try {
    const u = new URL(hlsUrl, location.href);
    const m = u.pathname.match(/^(.*)\/live\/([^/]+)\/master\.m3u8$/);
    if (!m || (u.protocol !== "http:" && u.protocol !== "https:")) return null;
    u.pathname = `${m[1]}/watch/${m[2]}`;
    u.search = "";
    u.hash = "";
    return u.href;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ clipboard

async function copyText(text, button) {
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // Denied or unfocused document: fall back below.
    }
  }
  if (!ok) ok = copyWithSelection(text);
  flashButton(button, ok ? "Copied" : "Copy failed");
  announce(ok ? "Copied to the clipboard." : "Copying failed; select the text and copy it by hand.");
}

// Plain http on a LAN address is not a secure context, so the async clipboard
// API is missing there; the old selection-based copy still works.
function copyWithSelection(text) {
  const area = h("textarea", { readonly: true, className: "visually-hidden", "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

function flashButton(button, label) {
  if (!button) return;
  const original = button.dataset.label ?? button.textContent;
  button.dataset.label = original;
  button.textContent = label;
  button.classList.add("is-done");
  clearTimeout(button._flashTimer);
  button._flashTimer = setTimeout(() => {
    button.textContent = original;
    button.classList.remove("is-done");
  }, 1600);
}

// ------------------------------------------------------------------ OBS table

function obsTable(quality, rtmpUrl, keyText) {
  const q = QUALITY[quality] ?? QUALITY.standard;
  const rows = [
    ["Service", "Custom…"],
    ["Server", h("code", {}, rtmpUrl ?? "")],
    ["Stream key", keyText],
    ["Encoder", "x264 (or your GPU's H.264 encoder)"],
    ["Rate control", "CBR"],
    ["Bitrate", q.bitrate],
    ["Keyframe interval", "2 s"],
    ["Profile", "High"],
    ["Resolution", q.resolution],
    ["FPS", "30"],
    ["Audio", "AAC (other audio codecs are refused)"],
    ["Viewers get", q.renditions],
  ];
  return h("table", { className: "settings", "data-testid": "obs-settings" },
    h("caption", { className: "visually-hidden" }, "Settings for OBS Studio: Settings → Stream and Settings → Output"),
    h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v)))));
}

// ------------------------------------------------------------------ credentials panel

function showCredentials(stream) {
  app.credentials = { streamId: stream.streamId, key: stream.ingest.streamKey };
  setText($("credentials-name"), `“${stream.name}”`);
  setText($("credentials-server"), stream.ingest.rtmpUrl);
  maskKey(true);
  $("credentials-obs").replaceChildren(
    obsTable(stream.quality, stream.ingest.rtmpUrl, "the stream key above"));
  const panel = $("credentials");
  panel.hidden = false;
  panel.scrollIntoView({ block: "start", behavior: "smooth" });
  panel.focus({ preventScroll: true });
}

function maskKey(masked) {
  const keyEl = $("credentials-key");
  const toggle = $("toggle-key");
  keyEl.textContent = masked ? MASK : app.credentials?.key ?? "";
  keyEl.classList.toggle("is-masked", masked);
  keyEl.setAttribute("aria-label", masked ? "Stream key, hidden" : "Stream key");
  toggle.textContent = masked ? "Show" : "Hide";
  toggle.setAttribute("aria-pressed", String(!masked));
}

function hideCredentials() {
  app.credentials = null;
  maskKey(true);
  $("credentials").hidden = true;
}

// ------------------------------------------------------------------ stream list

function createItem(stream) {
  const el = $("stream-template").content.firstElementChild.cloneNode(true);
  el.dataset.streamId = stream.streamId;
  el.addEventListener("click", (ev) => onItemClick(ev, stream.streamId));
  // Recordings are fetched when the broadcaster opens the list, not on every poll.
  field(el, "recordings-box").addEventListener("toggle", (ev) => {
    if (ev.target.open) loadRecordings(stream.streamId);
  });
  return el;
}

// ------------------------------------------------------------------ recordings

const RECORDING_STATE = { recording: "Recording", ready: "Ready", failed: "Failed" };

function formatDuration(seconds) {
  const s = Math.round(seconds ?? 0);
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return hms[0] > 0
    ? `${hms[0]}:${String(hms[1]).padStart(2, "0")}:${String(hms[2]).padStart(2, "0")}`
    : `${hms[1]}:${String(hms[2]).padStart(2, "0")}`;
}

// The viewer page playing one recording: /watch/{edgeId}?recording={id}.
function replayUrl(stream, recording) {
  const watch = viewerUrl(stream.playback.hlsUrl);
  return watch ? `${watch}?recording=${encodeURIComponent(recording.recordingId)}` : null;
}

async function loadRecordings(streamId) {
  const item = app.items.get(streamId);
  if (!item) return;
  const note = field(item.el, "recordings-note");
  let page;
  try {
    page = await api(`${streamPath(streamId)}/recordings?limit=100`);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    setText(note, `Could not load the recordings: ${err.message}`);
    note.hidden = false;
    return;
  }
  const list = field(item.el, "recordings");
  list.replaceChildren(...page.data.map((r) => recordingRow(item, r)));
  setText(note, page.data.length === 0
    ? (item.data.recording?.enabled === false
      ? "Recording is off for this stream."
      : "No recordings yet. Every broadcast is recorded once it ends.")
    : "");
  note.hidden = page.data.length > 0;
}

function recordingRow(item, r) {
  const ready = r.state === "ready";
  const play = replayUrl(item.data, r);
  return h("li", { className: "recording", dataset: { recordingId: r.recordingId, testid: "recording-item" } },
    h("span", { className: "recording-when" }, formatTime(r.startedAt)),
    h("span", { className: "recording-length" }, ready ? formatDuration(r.durationSeconds) : ""),
    h("span", { className: "badge", dataset: { state: r.state }, "data-testid": "recording-state" },
      RECORDING_STATE[r.state] ?? r.state),
    ready && play
      ? h("a", { className: "btn btn-sm", href: play, target: "_blank", rel: "noopener",
        "data-testid": "recording-play" }, "Play")
      : null,
    ready && r.playback.mp4Url
      ? h("a", { className: "btn btn-sm", href: r.playback.mp4Url, download: `${r.recordingId}.mp4`,
        "data-testid": "recording-download" }, "Download MP4")
      : null,
    r.state !== "recording"
      ? h("button", { type: "button", className: "btn btn-sm btn-danger-ghost",
        "data-testid": "recording-delete", onclick: () => deleteRecording(item, r) }, "Delete")
      : null);
}

async function deleteRecording(item, r) {
  if (!window.confirm(`Delete the recording of ${formatTime(r.startedAt)}? It cannot be undone.`)) return;
  try {
    await api(`/v1/recordings/${encodeURIComponent(r.recordingId)}`, { method: "DELETE" });
    announce("Recording deleted.");
  } catch (err) {
    if (handleAuthFailure(err)) return;
    if (err.status !== 404) showError(`Could not delete the recording: ${err.message}`);
  }
  loadRecordings(item.data.streamId);
}

function field(el, name) {
  return el.querySelector(`[data-field="${name}"]`);
}

function metaLine(s) {
  const parts = [`Created ${formatTime(s.createdAt)}`];
  if (isOnAir(s) && s.startedAt) {
    parts.push(`on air since ${formatTime(s.startedAt)}`);
  } else if (s.endedAt) {
    parts.push(`last ended ${formatTime(s.endedAt)}`);
  }
  parts.push(`reconnect window ${s.reconnectWindowSeconds ?? 60} s`);
  return parts.join(" · ");
}

const HEALTH_LABEL = { healthy: "Healthy", degraded: "Degraded", starving: "Starving" };

// One line for an on-air stream: its health (docs/api.md, "Stream health") and
// viewers; viewers alone for an ended stream still watched; nothing otherwise.
function healthLine(s) {
  const viewers = `${s.viewers ?? 0} watching`;
  if (!isOnAir(s)) return s.viewers > 0 ? viewers : "";
  const h = s.health;
  if (!h) return `Health: waiting for the first report · ${viewers}`;
  const parts = [HEALTH_LABEL[h.status] ?? h.status];
  if (h.reason) parts[0] += ` (${h.reason})`;
  if (h.width && h.height) parts.push(`${h.width}×${h.height}`);
  parts.push(`${h.fps} fps`, `${h.videoBitrateKbps} kbit/s video + ${h.audioBitrateKbps} audio`);
  if (h.keyframeIntervalSeconds !== null) parts.push(`keyframe every ${h.keyframeIntervalSeconds} s`);
  if (h.videoCodec) parts.push([h.videoCodec, h.audioCodec].filter(Boolean).join(" / "));
  if (h.droppedGops > 0) parts.push(`${h.droppedGops} GOPs dropped`);
  parts.push(viewers);
  return parts.join(" · ");
}

function renderItem(item) {
  const { el, data: s } = item;
  el.dataset.state = s.state;
  setText(field(el, "name"), s.name);
  setText(field(el, "quality"), QUALITY[s.quality]?.label ?? s.quality);
  setText(field(el, "latency"), LATENCY[s.latencyMode]?.label ?? s.latencyMode ?? "");
  const badge = field(el, "state");
  badge.dataset.state = s.state;
  setText(badge, STATE_LABEL[s.state] ?? s.state);
  setText(field(el, "meta"), metaLine(s));
  const err = field(el, "error");
  err.hidden = s.state !== "error";
  setText(err, s.state === "error" ? `Error: ${s.errorReason ?? "unknown reason"}` : "");
  const health = field(el, "health");
  const line = healthLine(s);
  health.hidden = line === "";
  health.dataset.status = isOnAir(s) ? (s.health?.status ?? "waiting") : "";
  setText(health, line);
  setText(field(el, "hls"), s.playback.hlsUrl);
  setText(field(el, "rtmp"), s.ingest.rtmpUrl);
  const watch = field(el, "watch");
  const url = viewerUrl(s.playback.hlsUrl);
  if (url && watch.getAttribute("href") !== url) watch.setAttribute("href", url);
  // The table only changes with the quality; rebuilding it on every poll
  // would collapse the broadcaster's text selection.
  const obs = field(el, "obs");
  if (obs.dataset.quality !== s.quality) {
    obs.dataset.quality = s.quality;
    obs.replaceChildren(obsTable(s.quality, s.ingest.rtmpUrl,
      "the one shown when the stream was created or its key last rotated"));
  }
}

// Inserts or updates one stream; announces state changes of known streams.
function upsert(stream, { announceChange = true } = {}) {
  let item = app.items.get(stream.streamId);
  if (!item) {
    item = { data: stream, el: createItem(stream) };
    app.items.set(stream.streamId, item);
  } else if (announceChange && item.data.state !== stream.state) {
    announce(`“${stream.name}” ${STATE_PHRASE[stream.state] ?? stream.state}.`);
  }
  item.data = stream;
  renderItem(item);
  return item;
}

// Brings the list in line with `streams` (newest first), moving nodes only
// when they are out of place so focus and open panels survive a poll.
function reconcile(streams, { complete }) {
  const list = $("stream-list");
  const seen = new Set();
  let prev = null;
  for (const s of streams) {
    const item = upsert(s);
    seen.add(s.streamId);
    const want = prev ? prev.nextElementSibling : list.firstElementChild;
    if (want !== item.el) list.insertBefore(item.el, want);
    prev = item.el;
  }
  if (complete) {
    for (const [id, item] of app.items) {
      if (!seen.has(id)) removeItem(id, item);
    }
  }
  updateEmptyState();
}

function removeItem(id, item = app.items.get(id)) {
  item?.el.remove();
  app.items.delete(id);
  if (app.credentials?.streamId === id) hideCredentials();
  updateEmptyState();
}

function updateEmptyState() {
  $("streams-loading").hidden = true;
  $("streams-empty").hidden = app.items.size > 0;
  $("load-more").hidden = !app.nextCursor;
}

// Fetches as many pages as the broadcaster has opened and reconciles the list.
async function refresh() {
  const generation = app.generation;
  const all = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) q.set("cursor", cursor);
    const page = await api(`/v1/live-streams?${q}`);
    all.push(...page.data);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < app.pages);
  if (generation !== app.generation) return; // the next poll brings the truth
  app.nextCursor = cursor;
  reconcile(all, { complete: true });
}

function schedulePoll() {
  clearTimeout(app.pollTimer);
  app.pollTimer = setTimeout(poll, POLL_MS);
}

async function poll() {
  if (!app.apiKey || app.polling) return;
  // A hidden tab does not need live badges; it catches up when shown again.
  if (!document.hidden) {
    app.polling = true;
    try {
      await refresh();
      syncFeeds();
      setText($("refresh-note"), feeds.size > 0
        ? "Live updates on; the list also refreshes every 4 seconds."
        : "States refresh every 4 seconds.");
    } catch (err) {
      if (handleAuthFailure(err)) return;
      setText($("refresh-note"), "The server cannot be reached right now; retrying…");
    } finally {
      app.polling = false;
    }
  }
  if (app.apiKey) schedulePoll();
}

// ------------------------------------------------------------------ live events

// Streams that may change soon (on air first, then idle, newest first) are
// followed through GET /v1/live-streams/{id}/events (server-sent events read
// with fetch: EventSource cannot send X-Api-Key), so a state change shows at
// once; the 4-second poll stays as the fallback. At most MAX_FEEDS feeds:
// a browser allows six connections per origin and the API calls need some.
const MAX_FEEDS = 2;
const feeds = new Map(); // streamId -> AbortController

function wantedFeeds() {
  const rank = (s) => (isOnAir(s) ? 0 : s.state === "idle" ? 1 : 2);
  return [...app.items.values()].map((i) => i.data)
    .filter((s) => rank(s) < 2)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, MAX_FEEDS)
    .map((s) => s.streamId);
}

function syncFeeds() {
  if (typeof ReadableStream === "undefined") return; // polling alone
  const wanted = new Set(app.apiKey ? wantedFeeds() : []);
  for (const [id, ctl] of feeds) {
    if (!wanted.has(id)) {
      ctl.abort();
      feeds.delete(id);
    }
  }
  for (const id of wanted) {
    if (!feeds.has(id)) follow(id);
  }
}

function closeFeeds() {
  for (const ctl of feeds.values()) ctl.abort();
  feeds.clear();
}

// One SSE event: the stream as it is now, or gone.
function applyEvent(envelope) {
  const id = envelope.data?.streamId;
  if (!id || !app.items.has(id)) return;
  app.generation += 1; // a list fetched before this is older than it
  if (envelope.type === "live_stream.deleted") {
    removeItem(id);
    return;
  }
  // Events carry the stream as the change wrote it, without live figures
  // (health null, viewers 0): keep the last polled ones until the next poll.
  const known = app.items.get(id).data;
  const onAir = isOnAir(envelope.data);
  upsert({ ...envelope.data, health: onAir ? known.health : null, viewers: known.viewers });
}

async function follow(id) {
  const ctl = new AbortController();
  feeds.set(id, ctl);
  let lastId = null;
  while (feeds.get(id) === ctl) {
    try {
      const headers = { "X-Api-Key": app.apiKey, Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const res = await fetch(`${streamPath(id)}/events`, {
        headers, cache: "no-store", credentials: "omit", signal: ctl.signal,
      });
      if (!res.ok || !res.body) break; // gone or refused: the poll takes over
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trimStart()).join("\n");
          const idLine = block.split("\n").find((l) => l.startsWith("id:"));
          if (idLine) lastId = idLine.slice(3).trim();
          if (data) applyEvent(JSON.parse(data));
        }
      }
    } catch {
      if (ctl.signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, 2000)); // as the server's `retry:` says
  }
  if (feeds.get(id) === ctl) feeds.delete(id);
}

// ------------------------------------------------------------------ confirmations

// Shows a small inline panel under a stream: a message and some buttons.
function showConfirm(item, { tone, message, actions }) {
  const box = field(item.el, "confirm");
  box.className = `confirm${tone ? ` is-${tone}` : ""}`;
  box.replaceChildren(
    ...[].concat(message).map((m) => h("p", {}, m)),
    h("div", { className: "btn-row" }, actions.map((a) => h("button", {
      type: "button",
      className: `btn btn-sm ${a.className ?? ""}`,
      "data-testid": a.testid,
      onclick: a.onClick,
    }, a.label))));
  box.hidden = false;
  box.querySelector("button")?.focus();
}

function hideConfirm(item) {
  const box = field(item.el, "confirm");
  box.hidden = true;
  box.replaceChildren();
}

function cancelAction(item) {
  return { label: "Cancel", testid: "confirm-cancel", onClick: () => hideConfirm(item) };
}

function onItemClick(ev, streamId) {
  const button = ev.target.closest("button[data-action]");
  const item = app.items.get(streamId);
  if (!button || !item) return;
  const s = item.data;
  switch (button.dataset.action) {
    case "copy-hls":
      copyText(s.playback.hlsUrl, button);
      break;
    case "copy-watch":
      copyText(viewerUrl(s.playback.hlsUrl) ?? "", button);
      break;
    case "copy-rtmp":
      copyText(s.ingest.rtmpUrl, button);
      break;
    case "edit":
      showEdit(item);
      break;
    case "rotate":
      confirmRotate(item);
      break;
    case "delete":
      confirmDelete(item);
      break;
  }
}

// ------------------------------------------------------------------ edit

function isOnAir(s) {
  return s.state === "live" || s.state === "connecting";
}

// An inline form in the stream's panel: name, quality, latency and reconnect window.
// While on air the API takes only a new name; the form says so up front.
function showEdit(item) {
  const s = item.data;
  const id = `edit-${s.streamId}`;
  const name = h("input", { type: "text", id: `${id}-name`, maxlength: "200", autocomplete: "off",
    "data-testid": "edit-name" });
  name.value = s.name;
  const quality = h("select", { id: `${id}-quality`, "data-testid": "edit-quality" },
    Object.entries(QUALITY).map(([value, q]) => h("option", { value, selected: value === s.quality }, q.label)));
  const latency = h("select", { id: `${id}-latency`, "data-testid": "edit-latency" },
    Object.entries(LATENCY).map(([value, l]) => h("option", { value, selected: value === s.latencyMode }, l.label)));
  const seconds = h("input", { type: "number", id: `${id}-window`, min: "0", max: "1800", step: "1",
    inputmode: "numeric", "data-testid": "edit-window" });
  seconds.value = String(s.reconnectWindowSeconds ?? 60);
  const message = h("p", { className: "stream-error", role: "alert", "data-testid": "edit-message", hidden: true });
  const fields = { name, quality, latency, seconds, message };
  const box = field(item.el, "confirm");
  box.className = "confirm";
  box.replaceChildren(h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); saveEdit(item, fields); } },
    h("div", { className: "field" }, h("label", { for: name.id }, "Name"), name),
    h("div", { className: "field" }, h("label", { for: quality.id }, "Quality"), quality),
    h("div", { className: "field" }, h("label", { for: latency.id }, "Latency"), latency),
    h("div", { className: "field" }, h("label", { for: seconds.id }, "Reconnect window (seconds, 0–1800)"), seconds),
    isOnAir(s) ? h("p", { className: "hint" }, "The stream is on air: only its name can change until it ends.") : null,
    message,
    h("div", { className: "btn-row" },
      h("button", { type: "submit", className: "btn btn-sm btn-primary", "data-testid": "edit-save" }, "Save"),
      h("button", { type: "button", className: "btn btn-sm", "data-testid": "edit-cancel",
        onclick: () => hideConfirm(item) }, "Cancel"))));
  box.hidden = false;
  name.focus();
}

function editProblem(message, text, focus) {
  message.textContent = text;
  message.hidden = false;
  focus?.focus();
}

// Sends only what changed, so a rename works while the stream is on air.
async function saveEdit(item, { name, quality, latency, seconds, message }) {
  const s = item.data;
  const body = {};
  const newName = name.value.trim();
  if (!newName) return editProblem(message, "Give the stream a name.", name);
  if (newName !== s.name) body.name = newName;
  if (quality.value !== s.quality) body.quality = quality.value;
  if (latency.value !== s.latencyMode) body.latencyMode = latency.value;
  const text = seconds.value.trim();
  const windowSeconds = Number(text);
  if (text === "" || !Number.isInteger(windowSeconds) || windowSeconds < 0 || windowSeconds > 1800) {
    return editProblem(message, "The reconnect window is a whole number of seconds from 0 to 1800.", seconds);
  }
  if (windowSeconds !== (s.reconnectWindowSeconds ?? 60)) body.reconnectWindowSeconds = windowSeconds;
  if (Object.keys(body).length === 0) return hideConfirm(item);
  try {
    const stream = await api(streamPath(s.streamId), { method: "PATCH", body });
    app.generation += 1;
    clearError();
    hideConfirm(item);
    upsert(stream, { announceChange: false });
    announce(`Saved “${stream.name}”.`);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    if (err.status === 404) goneElsewhere(item);
    else if (err.status === 409) {
      editProblem(message, `“${s.name}” is on air, so its quality, latency and reconnect window cannot change now `
        + "(the name can). Change them after the stream has ended.");
    } else editProblem(message, `Could not save: ${err.message}`);
  }
}

function confirmRotate(item) {
  showConfirm(item, {
    message: "Rotate the stream key? The current key stops working at once and a new one is shown here, one time only.",
    actions: [
      { label: "Rotate key", className: "btn-primary", testid: "confirm-rotate", onClick: () => rotate(item, false) },
      cancelAction(item),
    ],
  });
}

function offerForcedRotation(item) {
  showConfirm(item, {
    tone: "warn",
    message: [
      `“${item.data.name}” is on air, so the key was not rotated: rotating now would cut the broadcast.`,
      "Rotate anyway to disconnect the encoder immediately (for example if the key has leaked). "
        + "The broadcast stops and can only resume with the new key.",
    ],
    actions: [
      { label: "Rotate and disconnect encoder", className: "btn-danger", testid: "confirm-force-rotate",
        onClick: () => rotate(item, true) },
      cancelAction(item),
    ],
  });
}

async function rotate(item, force) {
  const id = item.data.streamId;
  try {
    const stream = await api(`${streamPath(id)}/rotate-key${force ? "?force=true" : ""}`, { method: "POST" });
    app.generation += 1;
    clearError();
    hideConfirm(item);
    upsert(stream, { announceChange: false });
    showCredentials(stream);
    announce(`New stream key created for “${stream.name}”. It is shown only this once.`);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    if (err.status === 409 && !force) offerForcedRotation(item);
    else if (err.status === 404) goneElsewhere(item);
    else showError(`Could not rotate the key: ${err.message}`);
  }
}

function confirmDelete(item) {
  showConfirm(item, {
    tone: "danger",
    message: `Delete “${item.data.name}”? Its playback URL and viewer page stop working. This cannot be undone.`,
    actions: [
      { label: "Delete stream", className: "btn-danger", testid: "confirm-delete", onClick: () => remove(item) },
      cancelAction(item),
    ],
  });
}

async function remove(item) {
  const { streamId: id, name } = item.data;
  try {
    await api(streamPath(id), { method: "DELETE" });
    app.generation += 1;
    clearError();
    removeItem(id);
    announce(`Deleted “${name}”.`);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    if (err.status === 409) {
      showConfirm(item, {
        tone: "warn",
        message: [
          `“${name}” is on air, and a stream that is live or starting cannot be deleted.`,
          "Stop streaming in the encoder (in OBS: Stop Streaming), wait until the badge says Ended, then delete it.",
        ],
        actions: [{ label: "OK", testid: "confirm-ok", onClick: () => hideConfirm(item) }],
      });
    } else if (err.status === 404) {
      goneElsewhere(item);
    } else {
      showError(`Could not delete “${name}”: ${err.message}`);
    }
  }
}

// The stream was deleted meanwhile (another tab, the API): drop it quietly.
function goneElsewhere(item) {
  removeItem(item.data.streamId);
  showError(`“${item.data.name}” no longer exists; it was deleted elsewhere.`);
}

// ------------------------------------------------------------------ create

async function onCreate(ev) {
  ev.preventDefault();
  const nameInput = $("stream-name");
  const name = nameInput.value.trim();
  if (!name) {
    showError("Give the stream a name, for example the name of the show.");
    nameInput.focus();
    return;
  }
  const button = $("create-button");
  button.disabled = true;
  try {
    const stream = await api("/v1/live-streams", {
      method: "POST",
      body: { name, quality: $("stream-quality").value, latencyMode: $("stream-latency").value },
    });
    app.generation += 1;
    clearError();
    nameInput.value = "";
    const item = upsert(stream, { announceChange: false });
    $("stream-list").prepend(item.el);
    updateEmptyState();
    showCredentials(stream);
    announce(`Created “${stream.name}”. Its stream key is shown only this once.`);
  } catch (err) {
    if (handleAuthFailure(err)) return;
    showError(`Could not create the stream: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ session

async function signIn(key, { silent = false } = {}) {
  app.apiKey = key;
  const button = document.querySelector("[data-testid=sign-in]");
  button.disabled = true;
  try {
    app.pages = 1;
    await refreshAfterSignIn();
  } catch (err) {
    app.apiKey = null;
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn();
    if (err.status === 401) {
      showError(silent
        ? "Your saved API key is no longer accepted. Sign in again."
        : "That API key was not accepted. Check it and try again.");
    } else {
      showError(`Could not sign in: ${err.message}`);
    }
    return;
  } finally {
    button.disabled = false;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  clearError();
  showDashboard(key);
  schedulePoll();
}

async function refreshAfterSignIn() {
  app.items.clear();
  $("stream-list").replaceChildren();
  $("streams-loading").hidden = false;
  await refresh();
}

function showDashboard(key) {
  document.body.dataset.signedIn = "true";
  $("signin").hidden = true;
  $("dashboard").hidden = false;
  $("session").hidden = false;
  // Enough of the key to tell two keys apart, not enough to use it.
  setText($("key-hint"), `${key.slice(0, 6)}…${key.slice(-4)}`);
  $("api-key").value = "";
}

function showSignIn() {
  document.body.dataset.signedIn = "false";
  $("dashboard").hidden = true;
  $("session").hidden = true;
  $("signin").hidden = false;
  $("api-key").focus();
}

function signOut(message) {
  clearTimeout(app.pollTimer);
  closeFeeds();
  app.generation += 1;
  app.apiKey = null;
  sessionStorage.removeItem(KEY_STORAGE);
  hideCredentials();
  app.items.clear();
  app.nextCursor = null;
  $("stream-list").replaceChildren();
  showSignIn();
  if (message) showError(message);
  else clearError();
}

// ------------------------------------------------------------------ wiring

function wire() {
  $("signin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const key = $("api-key").value.trim();
    if (!key) {
      showError("Enter an API key.");
      $("api-key").focus();
      return;
    }
    signIn(key);
  });
  $("sign-out").addEventListener("click", () => {
    signOut();
    announce("Signed out.");
  });
  $("create-form").addEventListener("submit", onCreate);
  $("toggle-key").addEventListener("click", () => {
    maskKey($("toggle-key").getAttribute("aria-pressed") === "true");
  });
  $("copy-key").addEventListener("click", (ev) => {
    if (app.credentials) copyText(app.credentials.key, ev.currentTarget);
  });
  $("dismiss-credentials").addEventListener("click", () => {
    hideCredentials();
    $("create-title").scrollIntoView({ block: "start" });
  });
  document.querySelector("[data-copy-from=credentials-server]").addEventListener("click", (ev) => {
    copyText($("credentials-server").textContent, ev.currentTarget);
  });
  $("load-more").addEventListener("click", async () => {
    app.pages += 1;
    try {
      await refresh();
    } catch (err) {
      if (!handleAuthFailure(err)) showError(`Could not load more streams: ${err.message}`);
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && app.apiKey) poll();
  });
}

function start() {
  wire();
  // The sign-in card starts hidden so a returning tab does not flash it.
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) signIn(saved, { silent: true });
  else showSignIn();
}

start();
